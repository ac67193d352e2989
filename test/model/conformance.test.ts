/**
 * The link between model/card.pml and src/card-sim: model steps replayed as APDUs on
 * the TypeScript card (test/model/card-driver.ts), answers and state compared after
 * every step. Random walks of the clean model must match step for step (a model that
 * drifts from the code fails here); each seeded bug's counterexample must part from
 * the card (the card does not have that bug).
 */
import { describe, expect, it } from 'vitest';
import { ModelCard } from './card-driver.ts';
import { CMD, randomWalk, runPan, trailSteps, V1, type Step } from './spin.ts';

/** Replays steps; the index of the first step whose answer or state differs, or -1. */
function firstDivergence(steps: readonly Step[]): { at: number; detail: string } {
  const card = new ModelCard();
  for (const [at, s] of steps.entries()) {
    const sw = card.play(s);
    const state = card.state();
    if (sw !== s.sw || JSON.stringify(state) !== JSON.stringify(s.state))
      return { at, detail: `step ${at} cmd ${s.cmd} (${s.a1},${s.a2},cut ${s.cut}): model ${s.sw.toString(16)} ${JSON.stringify(s.state)}, card ${sw.toString(16)} ${JSON.stringify(state)}` };
  }
  return { at: -1, detail: '' };
}

const WALK = ['-DMAXSEQ=3', '-DMAXV=2'];

describe('conformance: the card follows the clean model', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random walk, seed %i', (seed) => {
    const steps = randomWalk(WALK, seed, 4000);
    expect(steps.length).toBeGreaterThan(100);
    const d = firstDivergence(steps);
    expect(d.detail).toBe('');
  });
});

/**
 * A seeded bug's counterexample must match the card step for step up to the command the
 * bug is in, and part from the card exactly there (not at some unrelated step, which
 * would only say the trail drifted): the card runs the model's prefix and refuses or
 * answers differently where the mutant misbehaves.
 */
function partsAtTheBug(flag: string, cmds: readonly number[], cut?: number): void {
  const steps = trailSteps(runPan([...V1, flag], { maxDepth: 400 }));
  expect(steps.length).toBeGreaterThan(0);
  const d = firstDivergence(steps);
  expect(d.at, 'the card follows the whole counterexample: it has the bug').toBeGreaterThanOrEqual(0);
  const at = steps[d.at];
  expect(cmds, d.detail).toContain(at?.cmd);
  if (cut !== undefined) expect(at?.cut, d.detail).toBe(cut);
}

describe("conformance: seeded bugs' counterexamples part from the card at the bug", () => {
  // the card writes the counter at BACKUP: its counter differs right there
  it('SKIP_COUNTER parts at BACKUP', () => partsAtTheBug('-DSKIP_COUNTER', [CMD.backup]));
  // the card keeps "restore pending" until the pages are written: a cut inside the commit
  // leaves it set, the mutant has cleared it
  it('FLAG_EARLY parts at a RESTORE COMPLETE cut inside', () => partsAtTheBug('-DFLAG_EARLY', [CMD.restoreComplete], 1));
  // the card asks for the PIN: 6982 where the mutant credits
  it('NO_PIN parts at CREDIT', () => partsAtTheBug('-DNO_PIN', [CMD.credit]));
  // the card spends the try before comparing: a cut there leaves one try fewer
  it('PIN_LATE parts at a wrong VERIFY cut inside', () => partsAtTheBug('-DPIN_LATE', [CMD.verifyBad], 1));
  // F1: the card locks memory during a restore session (issue 10), so an application
  // write between RESTORE and COMPLETE of a replay diff step answers 6985
  it('F1_ESCAPE parts at an application write inside a restore session', () =>
    partsAtTheBug('-DF1_ESCAPE', [CMD.poke, CMD.credit, CMD.debit]));
});
