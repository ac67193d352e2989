/**
 * Issue 10's bugs found through `transmit`, each with its regression test:
 * - CHANGE REFERENCE DATA told the PIN's length: all-digit data answered 6A80 without
 *   spending a try until its length reached PIN length + 4.
 * - A RESTORE whose header date is >= 2^53 answered 6F00.
 * (The restore-session lock is in restore-session-lock.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { createTestCard } from '../../test/support/card.ts';
import { equal } from '../../src/protocol/bytes.ts';
import { restore, verifyPin } from '../../src/protocol/commands/index.ts';
import { runBackup, send, verify } from './helpers.ts';

const CHANGE = (data: Uint8Array) => ({ cla: 0x00, ins: 0x24, p1: 0x00, p2: 0x81, data, ne: 0 });
const digits = (n: number, d = '9') => new TextEncoder().encode(d.repeat(n));

function fresh(seed: string) {
  const card = createTestCard({ seed, memorySize: 8192 });
  card.powerOn();
  return card;
}

describe('CHANGE REFERENCE DATA does not leak the PIN length (issue 10)', () => {
  it('every wrong data length, digits or not, spends a try and answers the same 63C2', () => {
    for (let n = 0; n <= 24; n++) {
      const card = fresh(`pin-leak-${n}`);
      expect(send(card, CHANGE(digits(n))).sw.toString(16), `length ${n}`).toBe('63c2');
      expect(card.inspect().pinTriesLeft, `length ${n}`).toBe(2);
    }
    const card = fresh('pin-leak-x');
    expect(send(card, CHANGE(new TextEncoder().encode('12ab5678'))).sw.toString(16)).toBe('63c2');
  });

  it('three wrong ones block the PIN whatever their lengths', () => {
    const card = fresh('pin-leak-block');
    expect(send(card, CHANGE(digits(3))).sw.toString(16)).toBe('63c2');
    expect(send(card, CHANGE(digits(8))).sw.toString(16)).toBe('63c1');
    expect(send(card, CHANGE(digits(17))).sw.toString(16)).toBe('63c0');
    expect(send(card, verifyPin.getApdu('1234')).sw.toString(16)).toBe('6983');
  });

  it('the right old PIN with a malformed new one: 6A80, PIN unchanged, tries back to 3', () => {
    const card = fresh('pin-right-old');
    expect(send(card, CHANGE(new TextEncoder().encode('123412'))).sw.toString(16)).toBe('6a80');
    expect(card.inspect().pinTriesLeft).toBe(3);
    expect(send(card, verifyPin.getApdu('1234')).sw).toBe(0x9000);
  });
});

describe('RESTORE with a header date >= 2^53 (issue 10)', () => {
  it('answers 6A80 (header malformed), not 6F00, and changes nothing', () => {
    const card = fresh('date-2-53');
    verify(card);
    const full = runBackup(card, 'full');
    for (const high of [0x00200000, 0xffffffff]) {
      const header = full.headerBytes.slice();
      new DataView(header.buffer).setUint32(28, high);
      const before = card.save();
      const r = send(card, restore.getApdu({ target: 'same', mode: 'compacted', wrappedKey: full.wrappedKeyBytes, header, headerSignature: full.headerSignature }));
      expect(r.sw.toString(16)).toBe('6a80');
      expect(equal(card.save(), before)).toBe(true);
    }
  });
});
