/**
 * Power cut at every byte write of a load by token and of a spend with receipt (issue 10
 * Must show). After each cut and power-on the card holds the old state or the new one,
 * never a mix: value, load/spend counter and log entry move together. A token whose load
 * was cut off loads once afterwards (its counter did not move); a token whose load landed
 * is refused (6984). A spend cut before its answer has moved value and counter together
 * (the terminal got no receipt: value destroyed, never created).
 */
import { describe, expect, it } from 'vitest';
import { cutPowerAt, loadSimCard, PowerLoss } from '../../src/card-sim/index.ts';
import { counters, load, newCard, spend, token, valueLog } from '../card/value-support.ts';

const A = '4900000000000001';

function baseCard(): Uint8Array {
  const card = newCard(A, { memorySize: 16 * 1024 });
  expect(load(card, 'emoney', token({ cardNumber: A, amount: 3000, loadCounter: 1 })).sw).toBe(0x9000);
  return card.save();
}

/** Runs `go` on a copy of `base` with a cut at each byte write in turn, until one runs through. */
function everyCut(base: Uint8Array, go: (card: ReturnType<typeof newCard>) => void, check: (card: ReturnType<typeof newCard>, cut: boolean) => void): number {
  for (let n = 0; ; n++) {
    // The fault counts byte writes from the card object's creation: the command's own writes.
    const card = loadSimCard(base, { fault: cutPowerAt(n) });
    let cut = false;
    try {
      go(card);
    } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
      cut = true;
      card.powerOn();
    }
    check(card, cut);
    if (!cut) return n;
  }
}

describe('tearing: load by token', () => {
  it('every cut leaves the old state (token loads once later) or the new one (token refused)', () => {
    const base = baseCard();
    const t = token({ cardNumber: A, amount: 500, loadCounter: 2 });
    const cuts = everyCut(
      base,
      (card) => load(card, 'emoney', t),
      (card, cut) => {
        const c = counters(card, 'emoney');
        const log = valueLog(card, 'emoney');
        if (c.loadCounter === 1) {
          expect(cut).toBe(true);
          expect(c.value).toBe(3000);
          expect(log).toHaveLength(1);
          expect(load(card, 'emoney', t).sw).toBe(0x9000);
        } else {
          expect(c).toEqual({ value: 3500, loadCounter: 2, spendCounter: 0 });
          expect(log[0]).toMatchObject({ kind: 'load', amount: 500, after: 3500 });
          expect(load(card, 'emoney', t).sw).toBe(0x6984);
        }
        expect(counters(card, 'emoney').value).toBe(3500);
      },
    );
    expect(cuts).toBeGreaterThan(10);
  });
});

describe('tearing: spend with receipt', () => {
  it('every cut leaves the old state or the new one; value and spend counter move together', () => {
    const base = baseCard();
    const cuts = everyCut(
      base,
      (card) => {
        const r = spend(card, 'emoney', 1200);
        expect(r.sw).toBe(0x9000);
      },
      (card) => {
        const c = counters(card, 'emoney');
        const log = valueLog(card, 'emoney');
        if (c.spendCounter === 0) {
          expect(c.value).toBe(3000);
          expect(log).toHaveLength(1);
        } else {
          expect(c).toEqual({ value: 1800, loadCounter: 1, spendCounter: 1 });
          expect(log[0]).toMatchObject({ kind: 'spend', amount: 1200, after: 1800 });
        }
      },
    );
    expect(cuts).toBeGreaterThan(10);
  });
});
