/**
 * A power cut at every byte write of the PUK flow (RESET RETRY COUNTER, issue 10): the
 * PUK's try is written alone before the comparison, and the new PIN, the PIN's tries
 * and the PUK's tries land in one journaled group. So after any cut and power-on the
 * card is in exactly one of: the old state, the old state with one PUK try spent, or
 * the new state (new PIN with 3 tries, PUK tries full) — never a new PIN still blocked,
 * an old PIN unblocked, or a wrong PUK that regained a try.
 */
import { describe, expect, it } from 'vitest';
import { cutEach } from './cut-each.ts';
import { loadSimCard, type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import { encodeCommand, type CommandApdu } from '../../src/protocol/apdu.ts';
import { PUK_TRIES, resetRetryCounter, verifyPin } from '../../src/protocol/commands/pin.ts';

const PUK = '12345678';
const NEW_PIN = '8642';

const sw = (c: SimCard, cmd: CommandApdu) => {
  const r = c.transmit(encodeCommand(cmd));
  return ((r[r.length - 2] ?? 0) << 8) | (r[r.length - 1] ?? 0);
};

/** A blocked PIN and one wrong PUK already spent (PUK_TRIES - 1 left), saved. */
function blockedBase(): Uint8Array {
  const c = createTestCard({ memorySize: 8192, pageSize: 256, cardNumber: '4900000000000601', seed: 'tear-puk' });
  c.powerOn();
  for (let i = 0; i < 3; i++) sw(c, verifyPin.getApdu('0000'));
  expect(sw(c, resetRetryCounter.getApdu('00000000', NEW_PIN))).toBe(0x63c0 | (PUK_TRIES - 1));
  return c.save();
}

interface State {
  pinTries: number;
  pukTries: number;
  /** Which PIN the card holds, tried on a copy so the probe spends nothing here. */
  pin: 'old' | 'new' | 'neither';
}

function state(c: SimCard): State {
  const v = c.inspect();
  const probe = (pin: string) => {
    const copy = loadSimCard(c.save());
    copy.powerOn();
    return sw(copy, verifyPin.getApdu(pin)) === 0x9000;
  };
  // A blocked PIN answers 6983 even to the right one: which PIN it holds is asked only when it has tries.
  const pin = v.pinTriesLeft === 0 ? 'neither' : probe('1234') ? 'old' : probe(NEW_PIN) ? 'new' : 'neither';
  return { pinTries: v.pinTriesLeft, pukTries: v.pukTriesLeft, pin };
}

const tear = (base: Uint8Array, run: (c: SimCard) => void, allowed: (s: State) => string | undefined) =>
  cutEach(base, run, (c) => allowed(state(c)), (c) => JSON.stringify(state(c)));

describe('power cut at every byte write of the PUK flow', () => {
  const base = blockedBase();
  const spent = PUK_TRIES - 1;

  it('right PUK + new PIN: old, try spent, or new — nothing between', () => {
    const r = tear(
      base,
      (c) => expect(sw(c, resetRetryCounter.getApdu(PUK, NEW_PIN))).toBe(0x9000),
      (s) => {
        if (s.pinTries === 0 && s.pukTries === spent) return 'old';
        if (s.pinTries === 0 && s.pukTries === spent - 1) return 'try spent';
        if (s.pinTries === 3 && s.pukTries === PUK_TRIES && s.pin === 'new') return 'new';
        return undefined;
      },
    );
    console.log(`tearing: PUK (right): ${r.writes} cuts, outcomes ${JSON.stringify(r.outcomes)}`);
    expect(r.failures).toEqual([]);
    expect(r.outcomes['new']).toBeGreaterThan(0);
    expect(r.outcomes['try spent']).toBeGreaterThan(0);
  });

  it('wrong PUK: old or try spent, never a regained try, the PIN stays blocked', () => {
    const r = tear(
      base,
      (c) => expect(sw(c, resetRetryCounter.getApdu('99999999', NEW_PIN))).toBe(0x63c0 | (spent - 1)),
      (s) => {
        if (s.pinTries !== 0) return undefined;
        if (s.pukTries === spent) return 'old';
        if (s.pukTries === spent - 1) return 'try spent';
        return undefined;
      },
    );
    console.log(`tearing: PUK (wrong): ${r.writes} cuts, outcomes ${JSON.stringify(r.outcomes)}`);
    expect(r.failures).toEqual([]);
  });

  it('the right PUK with a malformed new PIN: its try is given back or stays spent, the PIN stays blocked', () => {
    const bad: CommandApdu = { cla: 0x00, ins: 0x2c, p1: 0x00, p2: 0x81, data: new TextEncoder().encode(`${PUK}12`), ne: 0 };
    const r = tear(
      base,
      (c) => expect(sw(c, bad)).toBe(0x6a80),
      (s) => {
        if (s.pinTries !== 0) return undefined;
        if (s.pukTries === spent) return 'old';
        if (s.pukTries === spent - 1) return 'try spent';
        if (s.pukTries === PUK_TRIES) return 'tries back';
        return undefined;
      },
    );
    expect(r.failures).toEqual([]);
  });
});
