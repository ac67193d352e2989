/**
 * Issue 10: medical, ID and credit data are readable only with the cardholder PIN
 * verified in this power-on session (6982 without it, memory unchanged). Medical COUNT,
 * the value applications' reads and the card manager's GET DATA stay open. Through
 * `transmit` only.
 */
import { describe, expect, it } from 'vitest';
import { type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import type { CommandApdu } from '../../src/protocol/apdu.ts';
import { equal } from '../../src/protocol/bytes.ts';
import { APP_AID, creditRead, emoneyReadBalance, idRead, medicalCount, medicalReadRecord, membershipRead } from '../../src/protocol/commands/apps/index.ts';
import { select } from '../../src/protocol/commands/index.ts';
import { send, verify } from './helpers.ts';

type Kind = keyof typeof APP_AID;
const PROTECTED: [Kind, CommandApdu][] = [
  ['credit', creditRead.getApdu()],
  ['id', idRead.getApdu('name', 0, 100)],
  ['id', idRead.getApdu('birth', 0, 100)],
  ['id', idRead.getApdu('address', 0, 100)],
  ['id', idRead.getApdu('photo', 0, 200)],
  ['medical', medicalReadRecord.getApdu(1)],
];
const OPEN: [Kind, CommandApdu][] = [
  ['medical', medicalCount.getApdu()],
  ['emoney', emoneyReadBalance.getApdu()],
  ['membership', membershipRead.getApdu()],
];

const run = (card: SimCard, [kind, cmd]: [Kind, CommandApdu]) => {
  expect(send(card, select.getApdu(APP_AID[kind])).sw).toBe(0x9000);
  return send(card, cmd);
};

describe('data reads need the PIN (issue 10)', () => {
  it('without the PIN: 6982 for every protected read, no data, memory unchanged; open reads still answer', () => {
    const card = createTestCard({ seed: 'read-pin' });
    card.powerOn();
    const before = card.save();
    for (const c of PROTECTED) {
      const r = run(card, c);
      expect(r.sw.toString(16), `${c[0]} ${c[1].ins.toString(16)}`).toBe('6982');
      expect(r.data.length).toBe(0);
    }
    for (const c of OPEN) expect(run(card, c).sw.toString(16), c[0]).toBe('9000');
    expect(equal(card.save(), before)).toBe(true);
  });

  it('with the PIN verified every read answers 9000; a power cycle locks them again', () => {
    const card = createTestCard({ seed: 'read-pin-ok' });
    card.powerOn();
    verify(card);
    for (const c of PROTECTED) {
      const r = run(card, c);
      expect(r.sw.toString(16)).toBe('9000');
      expect(r.data.length).toBeGreaterThan(0);
    }
    card.powerOff();
    card.powerOn();
    for (const c of PROTECTED) expect(run(card, c).sw.toString(16)).toBe('6982');
  });

  it('a wrong PIN does not unlock them', () => {
    const card = createTestCard({ seed: 'read-pin-wrong' });
    card.powerOn();
    expect(send(card, { cla: 0x00, ins: 0x20, p1: 0, p2: 0x81, data: new TextEncoder().encode('0000'), ne: 0 }).sw.toString(16)).toBe('63c2');
    for (const c of PROTECTED) expect(run(card, c).sw.toString(16)).toBe('6982');
  });
});
