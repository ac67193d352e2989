/**
 * A flow replayed from `base` with the power cut at each of its byte writes (the same
 * method as suite.ts, for flows whose legal states are named per test): after power-on
 * `classify` names the state, or answers undefined for an illegal one (`show` says what it
 * was). The uncut run counts the writes.
 */
import { expect } from 'vitest';
import { cutPowerAt, loadSimCard, PowerLoss, type SimCard } from '../../src/card-sim/index.ts';

export interface CutEachResult {
  writes: number;
  outcomes: Record<string, number>;
  failures: string[];
}

export function cutEach(base: Uint8Array, run: (c: SimCard) => void, classify: (c: SimCard) => string | undefined, show: (c: SimCard) => string): CutEachResult {
  const ref = loadSimCard(base);
  ref.powerOn();
  const w0 = ref.inspect().writeCount;
  run(ref);
  const writes = ref.inspect().writeCount - w0;
  expect(writes).toBeGreaterThan(0);
  const outcomes: Record<string, number> = {};
  const failures: string[] = [];
  for (let i = 0; i < writes; i++) {
    const c = loadSimCard(base, { fault: cutPowerAt(w0 + i) });
    c.powerOn();
    try {
      run(c);
      failures.push(`cut at write ${i}: the flow finished without reaching the cut`);
      continue;
    } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
    }
    c.powerOn();
    const label = classify(c);
    if (!label) failures.push(`cut at write ${i}: illegal state ${show(c)}`);
    outcomes[label ?? 'ILLEGAL'] = (outcomes[label ?? 'ILLEGAL'] ?? 0) + 1;
  }
  return { writes, outcomes, failures };
}
