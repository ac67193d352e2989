/**
 * The link between model/card.pml and src/card-sim: model steps replayed as APDUs on
 * the TypeScript card (test/model/card-driver.ts), answers and state compared after
 * every step. Random walks of the clean model must match step for step (a model that
 * drifts from the code fails here); each seeded bug's counterexample must part from
 * the card (the card does not have that bug).
 */
import { describe, expect, it } from 'vitest';
import { ModelCard } from './card-driver.ts';
import { CMD, MODEL_V2, randomWalkV2, runPan, trailSteps, trailStepsV2, V1, violatingCommandV2, type Step, type StepV2 } from './spin.ts';

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

// The random walks of model/card.pml (protocol v1) are no longer replayed here: since the
// value of version 2 landed (value kept by the OS outside the backed-up memory, loads by
// token without the PIN, no 6283 after a restore), card.pml's value part describes the
// older card. The walks below replay the core of model/card-v2.pml instead; the value of
// version 2 is checked by card-v2.pml's own properties and, on the card, by
// test/card/value*.test.ts and the value property test (docs/model.md).

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

/**
 * model/card-v2.pml's core (V1CORE: one card, backups, same-card restores with splices,
 * PIN, application writes, power cuts inside and between commands) against the card in
 * the tree. Its page 0 is the test application's page (card.pml's page 1); the value is
 * outside its memory, so the card's e-money page is sent by the driver and its value,
 * changed bit and restore-executed flag are not compared. The version-2 commands
 * (tokens, receipts, authorisations, epochs) wait for the version-2 card (docs/model.md).
 */
const CORE = ['-DNC=1', '-DMAXB=40', '-DMAXTOK=0', '-DMAXAUTH=0', '-DMAXE=1', '-DTRIES=3', '-DV1CORE', '-DWALK'];

/**
 * Replays card-v2.pml steps on one card; the first step whose answer or state differs
 * (`at` -1: none). With `value`, the value state is compared too, as the card answers
 * READ COUNTERS after every step (6985 while a restore is pending: the value is then
 * compared with the last one read, which nothing can change while applications wait),
 * every load's answer must be the model's balance, and every receipt must name the
 * model's spend counter and the balance after.
 */
function divergenceV2(steps: readonly StepV2[], o: { value?: boolean; card?: ModelCard } = {}): { at: number; detail: string } {
  const card = o.card ?? new ModelCard({ valueInModel: false });
  let last = { value: 0, loadCounter: 0, spendCounter: 0 };
  for (const [at, s] of steps.entries()) {
    const sw = card.play({ ...s, a2: s.cmd === CMD.restoreTransfer ? 1 : s.a2, state: undefined as never });
    const c = card.state();
    const got: Record<string, number> = { counter: c.counter, tries: c.tries, pending: c.pending, page0: c.token, changed0: c.changed1, point: c.point };
    const want: Record<string, number> = { counter: s.state.counter, tries: s.state.tries, pending: s.state.pending, page0: s.state.page0, changed0: s.state.changed0, point: s.state.point };
    if (o.value) {
      const v = card.value();
      if (v.sw === 0x9000) last = { value: v.value, loadCounter: v.loadCounter, spendCounter: v.spendCounter };
      Object.assign(got, { readCounters: v.sw, ...last });
      Object.assign(want, { readCounters: s.state.pending ? 0x6985 : 0x9000, value: s.state.value, loadCounter: s.state.loadCounter, spendCounter: s.state.spendCounter });
      if (s.cmd === CMD.credit && sw === 0x9000) {
        got.loadAnswer = card.loaded ?? -1;
        want.loadAnswer = s.state.value;
      }
      if (s.cmd === CMD.debit && sw === 0x9000) {
        Object.assign(got, { receiptCounter: card.receipt?.spendCounter ?? -1, receiptBalance: card.receipt?.balanceAfter ?? -1 });
        Object.assign(want, { receiptCounter: s.state.spendCounter, receiptBalance: s.state.value });
      }
    }
    if (sw !== s.sw || JSON.stringify(got) !== JSON.stringify(want))
      return { at, detail: `step ${at} cmd ${s.cmd} (${s.a1},${s.a2},cut ${s.cut}): model ${s.sw.toString(16)} ${JSON.stringify(want)}, card ${sw.toString(16)} ${JSON.stringify(got)}` };
  }
  return { at: -1, detail: '' };
}
const firstDivergenceV2 = (steps: readonly StepV2[]) => divergenceV2(steps).detail;

const SEEDS = [1, 2, 3, 4, 5, 6];
const walks = new Map<number, StepV2[]>();
const walk = (seed: number) => walks.get(seed) ?? walks.set(seed, randomWalkV2(CORE, seed, 400_000)).get(seed) ?? [];
const played = (steps: readonly StepV2[], cmd: number, sw: number, cut = 0) => steps.filter((s) => s.cmd === cmd && s.sw === sw && s.cut === cut).length;

describe('conformance: the card follows the core of model/card-v2.pml', () => {
  it.each(SEEDS)('random walk, seed %i', (seed) => {
    const steps = walk(seed);
    expect(steps.length).toBeGreaterThan(1000);
    expect(steps.every((s) => s.card === 0)).toBe(true);
    expect(played(steps, CMD.backupComplete, 0x9000)).toBeGreaterThan(0);
    expect(firstDivergenceV2(steps)).toBe('');
  });

  it('the walks complete restores and cut commands (they are not idle)', () => {
    const all = SEEDS.flatMap(walk);
    expect(played(all, CMD.restoreComplete, 0x9000)).toBeGreaterThan(5);
    expect(played(all, CMD.restoreComplete, 0, 1)).toBeGreaterThan(0);
    expect(played(all, CMD.backup, 0, 1)).toBeGreaterThan(0);
    expect(played(all, CMD.verifyBad, 0x63c2)).toBeGreaterThan(0);
  });
});

/**
 * model/card-v2.pml's core with the value of version 2 (CORE_VALUE: one card, the issuer
 * signing load tokens numbered by its ledger; loads with valid, replayed, skipped and
 * forged tokens, spends with receipts, power cuts inside them, beside backups, restores,
 * PIN and writes): the card's answers, value, load and spend counters (READ COUNTERS)
 * and receipts must equal the model's at every step.
 */
const VALUE_CORE = ['-DNC=1', '-DMAXB=40', '-DMAXTOK=40', '-DMAXV=3', '-DMAXAUTH=0', '-DMAXE=1', '-DTRIES=3', '-DV1CORE', '-DCORE_VALUE', '-DWALK'];
const VALUE_SEEDS = [1, 2, 3, 4, 5, 6];
const valueWalks = new Map<number, StepV2[]>();
const valueWalk = (seed: number) => valueWalks.get(seed) ?? valueWalks.set(seed, randomWalkV2(VALUE_CORE, seed, 200_000)).get(seed) ?? [];

describe('conformance: the card follows model/card-v2.pml with loads, spends and counters', () => {
  it.each(VALUE_SEEDS)('random walk with value, seed %i', (seed) => {
    const steps = valueWalk(seed);
    expect(steps.length).toBeGreaterThan(1000);
    expect(divergenceV2(steps, { value: true }).detail).toBe('');
  });

  it('the walks load with valid, replayed and forged tokens, spend, and cut both (they are not idle)', () => {
    const all = VALUE_SEEDS.flatMap(valueWalk);
    expect(played(all, CMD.credit, 0x9000)).toBeGreaterThan(50);
    expect(played(all, CMD.credit, 0, 1)).toBeGreaterThan(0);
    expect(played(all, CMD.credit, 0x6984)).toBeGreaterThan(50); // a replayed or skipped token
    expect(all.filter((s) => s.cmd === CMD.credit && s.a1 === 0 && s.sw === 0x6982).length).toBeGreaterThan(0); // forged
    expect(played(all, CMD.debit, 0x9000)).toBeGreaterThan(50);
    expect(played(all, CMD.debit, 0, 1)).toBeGreaterThan(0);
    expect(played(all, CMD.credit, 0x6985) + played(all, CMD.debit, 0x6985)).toBeGreaterThan(0);
  });
});

/** One card, value: the configuration whose value mutants' counterexamples the card can replay. */
const VALUE_ONE = ['-DNC=1', '-DMAXB=1', '-DMAXTOK=2', '-DMAXAUTH=0', '-DMAXE=1', '-DTRIES=3', '-DV1CORE', '-DCORE_VALUE'];

describe("conformance: value mutants' counterexamples part from the card at the bug", () => {
  // the mutant's load leaves the load counter where it was; the card moves it: they part
  // at that first LOAD, before the mutant's replayed token loads again
  it.each([
    ['LOAD_NO_MOVE parts at the LOAD that skips the counter write', '-DLOAD_NO_MOVE', 0],
    // a cut between the mutant's two groups leaves the value loaded and the counter not;
    // the card writes both in one group: they part at that cut LOAD
    ['LOAD_SPLIT parts at the cut LOAD between its two groups', '-DLOAD_SPLIT', 1],
  ] as const)('%s', (_name, flag, cut) => {
    const r = runPan([...VALUE_ONE, flag], { maxDepth: 400, model: MODEL_V2 });
    expect(r.violated).toMatch(/tused\[a1\]/);
    const steps = trailStepsV2(r);
    expect(steps.length).toBeGreaterThan(0);
    const d = divergenceV2(steps, { value: true });
    expect(d.at, 'the card follows the whole counterexample: it has the bug').toBeGreaterThanOrEqual(0);
    const at = steps[d.at];
    expect(at?.cmd, d.detail).toBe(CMD.credit);
    expect(at?.a1, d.detail).toBeGreaterThan(0);
    expect(at?.cut, d.detail).toBe(cut);
    // the model's load counter stays behind the card's by the load the bug skipped
    const [, model, card] = /"loadCounter":(\d+).*card .*"loadCounter":(\d+)/.exec(d.detail) ?? [];
    expect(Number(card), d.detail).toBe(Number(model) + 1);
  });
});

/**
 * Value mutants whose assertion fails inside the buggy command itself (before its "@@"
 * line): the card must follow the whole trail, and then, given that command (read from
 * the globals where spin's trail ends), keep the property the mutant breaks.
 */
describe("conformance: value mutants' violating command, played on the card, keeps the property", () => {
  it('LOAD_NO_CHECK: the replayed token the mutant loads again is refused (6984), nothing loaded', () => {
    const r = runPan([...VALUE_ONE, '-DLOAD_NO_CHECK'], { maxDepth: 400, model: MODEL_V2 });
    expect(r.violated).toMatch(/tused\[a1\]/);
    const card = new ModelCard({ valueInModel: false });
    const steps = trailStepsV2(r);
    expect(divergenceV2(steps, { value: true, card }).detail).toBe('');
    const bug = violatingCommandV2(r);
    expect(bug.cmd).toBe(CMD.credit);
    // a token this trail already loaded on the card: a replay
    expect(steps.some((s) => s.cmd === CMD.credit && s.a1 === bug.a1 && s.sw === 0x9000)).toBe(true);
    const before = card.value();
    expect(card.play({ ...bug, cut: 0, sw: 0, state: undefined as never }).toString(16)).toBe('6984');
    expect(card.value()).toEqual(before);
  });

  it('SPEND_NO_MOVE: the spend the mutant answers with a repeated receipt gets a fresh spend counter on the card', () => {
    const r = runPan([...VALUE_ONE, '-DSPEND_NO_MOVE'], { maxDepth: 400, model: MODEL_V2 });
    expect(r.violated).toMatch(/spendctr\[c\]>receipt\[c\]/);
    const card = new ModelCard({ valueInModel: false });
    const steps = trailStepsV2(r);
    expect(divergenceV2(steps, { value: true, card }).detail).toBe('');
    const bug = violatingCommandV2(r);
    expect(bug.cmd).toBe(CMD.debit);
    const before = card.value();
    expect(card.play({ ...bug, cut: 0, sw: 0, state: undefined as never }).toString(16)).toBe('9000');
    expect(card.receipt?.spendCounter).toBe(before.spendCounter + 1);
    expect(card.value()).toMatchObject({ spendCounter: before.spendCounter + 1, value: before.value - 1 });
  });
});
