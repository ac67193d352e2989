/**
 * The link between model/card.pml and src/card-sim: model steps replayed as APDUs on
 * the TypeScript card (test/model/card-driver.ts), answers and state compared after
 * every step. Random walks of the clean model must match step for step (a model that
 * drifts from the code fails here); each seeded bug's counterexample must part from
 * the card (the card does not have that bug).
 */
import { describe, expect, it } from 'vitest';
import { ModelCard } from './card-driver.ts';
import { randomWalk, runPan, trailSteps, V1, type Step } from './spin.ts';

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

describe("conformance: seeded bugs' counterexamples part from the card", () => {
  it.each([
    ['SKIP_COUNTER', '-DSKIP_COUNTER'],
    ['FLAG_EARLY', '-DFLAG_EARLY'],
    ['NO_PIN', '-DNO_PIN'],
    ['PIN_LATE', '-DPIN_LATE'],
  ])('%s', (_name, flag) => {
    const steps = trailSteps(runPan([...V1, flag], { maxDepth: 400 }));
    expect(steps.length).toBeGreaterThan(0);
    expect(firstDivergence(steps).at).toBeGreaterThanOrEqual(0);
  });

  // F1: the card locks memory during a restore session (issue 10), so an application
  // write between RESTORE and COMPLETE of a replay diff step is refused: the card parts
  // from the F1 mutant's counterexample.
  it('F1_ESCAPE', () => {
    const steps = trailSteps(runPan([...V1, '-DF1_ESCAPE'], { maxDepth: 400 }));
    expect(steps.length).toBeGreaterThan(0);
    expect(firstDivergence(steps).at).toBeGreaterThanOrEqual(0);
  });
});
