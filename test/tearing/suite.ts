/**
 * Cut the power at every byte write of a flow, then power on and check the invariants
 * (issue 3; DESIGN.md "Power loss at any write"):
 *  - the card is in a state the uncut flow passed through between two commands (old,
 *    new, or after a completed command on the way), or a VERIFY that spent its try
 *    before comparing, or "restore pending" over the old memory;
 *  - "restore pending": applications refuse (6985) and a completed restore clears it;
 *  - value, as the applications report it, never exceeds max(before, after the uncut
 *    flow): a tear or a restore never creates value;
 *  - the PIN try counter never regains a try (wrong-PIN flow: never above before);
 *  - the backup counter never goes back.
 * Used by test/tearing/tearing.test.ts and bench/entries/tearing.ts; no test framework here.
 */
import { cutPowerAt, loadSimCard, PowerLoss, type SimCard } from '../../src/card-sim/index.ts';
import { SW } from '../../src/protocol/status-words.ts';
import { select } from '../../src/protocol/commands/index.ts';
import { APP_AID } from '../../src/protocol/commands/apps/ids.ts';
import { emoneyReadBalance } from '../../src/protocol/commands/apps/emoney.ts';
import { Driver, fingerprint, key, type Fingerprint } from './driver.ts';
import { effectiveValue, type Flow } from './flows.ts';

export interface FlowResult {
  name: string;
  /** Byte writes of the uncut flow = cases run. */
  cases: number;
  passed: number;
  /** How many cuts ended in each kind of state. */
  outcomes: Record<string, number>;
  failures: string[];
}

const open = (flow: Flow, fault?: ReturnType<typeof cutPowerAt>): SimCard => {
  const c = loadSimCard(flow.base, fault ? { seed: flow.seed, fault } : { seed: flow.seed });
  c.powerOn();
  return c;
};

/** The uncut run: the states between commands, the legal states inside commands, the write count. */
function reference(flow: Flow) {
  const card = open(flow);
  const w0 = card.inspect().writeCount;
  const states: Fingerprint[] = [fingerprint(card)];
  const inside: Fingerprint[] = [];
  flow.run(
    new Driver(card, (label) => {
      const before = states[states.length - 1] as Fingerprint;
      if (label === 'verify' && before.pinTriesLeft > 0) inside.push({ ...before, pinTriesLeft: before.pinTriesLeft - 1 });
      if (label === 'restore-complete') inside.push({ ...before, restorePending: true });
      states.push(fingerprint(card));
    }),
  );
  const writes = card.inspect().writeCount - w0;
  const before = effectiveValue(new Driver(open(flow)));
  const after = effectiveValue(new Driver(card));
  if (!before || !after) throw new Error(`${flow.name}: the applications refuse before or after the uncut flow`);
  // First name wins: old, then new, then the states between commands, then inside one.
  const labelOf = new Map<string, string>();
  const name = (f: Fingerprint, label: string) => labelOf.has(key(f)) || labelOf.set(key(f), label);
  name(states[0] as Fingerprint, 'old');
  name(states[states.length - 1] as Fingerprint, 'new');
  for (const f of states) name(f, 'between commands');
  for (const f of inside) name(f, f.restorePending ? 'restore pending' : 'try spent');
  return {
    w0,
    writes,
    old: states[0] as Fingerprint,
    labelOf,
    maxYen: Math.max(before.yen, after.yen),
    maxPoints: Math.max(before.points, after.points),
    /** Problems of a powered-on state, by fingerprint: see tearOnce. */
    checked: new Map<string, string[]>(),
  };
}

/** Byte writes of the uncut flow: the cut points are 0 .. writes-1. */
export const writesOf = (flow: Flow): number => reference(flow).writes;

/** Cut at every write index in [from, to) (default: all of them). */
export function tearFlow(flow: Flow, from = 0, to = Infinity): FlowResult {
  const ref = reference(flow);
  const res: FlowResult = { name: flow.name, cases: 0, passed: 0, outcomes: {}, failures: [] };
  for (let i = from; i < Math.min(to, ref.writes); i++) {
    res.cases++;
    const problems = tearOnce(flow, ref, ref.w0 + i, res.outcomes);
    if (problems.length === 0) res.passed++;
    else if (res.failures.length < 20) res.failures.push(`cut at write ${i}: ${problems.join('; ')}`);
  }
  return res;
}

function tearOnce(flow: Flow, ref: ReturnType<typeof reference>, at: number, outcomes: Record<string, number>): string[] {
  const problems: string[] = [];
  const card = open(flow, cutPowerAt(at));
  try {
    flow.run(new Driver(card));
    return ['the flow finished without reaching the cut'];
  } catch (e) {
    if (!(e instanceof PowerLoss)) return [`the flow failed before the cut: ${e instanceof Error ? e.message : String(e)}`];
  }
  card.powerOn(); // recovery: redo a committed journal, drop an uncommitted one
  const f = fingerprint(card);
  const outcome = ref.labelOf.get(key(f));
  if (outcome === undefined) problems.push('state is neither old, new, between two commands, nor a legal state inside one');
  outcomes[outcome ?? 'ILLEGAL'] = (outcomes[outcome ?? 'ILLEGAL'] ?? 0) + 1;
  if (f.backupCounter < ref.old.backupCounter) problems.push('backup counter went back');
  if (flow.wrongPin && f.pinTriesLeft > ref.old.pinTriesLeft) problems.push('a wrong PIN regained a try');
  if (f.restorePending && !flow.restores) problems.push('restore pending after a flow that is not a restore');

  // What the card does next depends only on the persistent state (RAM is fresh after
  // power-on, the journal is settled), so each distinct state is driven once.
  let next = ref.checked.get(key(f));
  if (!next) {
    next = afterPowerOn(flow, ref, card, f);
    ref.checked.set(key(f), next);
  }
  return [...problems, ...next];
}

/** Drive a powered-on card: applications, a pending restore, value. */
function afterPowerOn(flow: Flow, ref: ReturnType<typeof reference>, card: SimCard, f: Fingerprint): string[] {
  const problems: string[] = [];
  const d = new Driver(card);
  if (f.restorePending) {
    d.expect(select.getApdu(APP_AID.emoney), SW.OK);
    if (d.send(emoneyReadBalance.getApdu()).sw !== SW.CONDITIONS_NOT_SATISFIED) problems.push('an application answered while restore pending');
    flow.run(d); // only a completed restore leaves "restore pending"
    if (card.inspect().restorePending) problems.push('a completed restore did not clear restore pending');
  }
  const v = effectiveValue(d);
  if (!v) problems.push('the applications refuse after power-on');
  else if (v.yen > ref.maxYen || v.points > ref.maxPoints) problems.push(`value grew: ${v.yen} yen, ${v.points} points`);
  return problems;
}
