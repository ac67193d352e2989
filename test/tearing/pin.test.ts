/**
 * The cardholder PIN guards backup, restore and value (issue 3): three wrong tries
 * block it (6983), and nothing that needs it works without it (6982). A torn VERIFY
 * never gives a free try: that is the "PIN verify" flows of tearing.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import { backup, pinState, restore, select, verifyPin } from '../../src/protocol/commands/index.ts';
import { membershipRedeem } from '../../src/protocol/commands/apps/membership.ts';
import { APP_AID } from '../../src/protocol/commands/apps/ids.ts';
import { SW } from '../../src/protocol/status-words.ts';
import { runBackup, verify } from '../card/helpers.ts';
import { Driver } from './driver.ts';

const DATE = Date.UTC(2025, 4, 1);
const small = (cardNumber: string): SimCard => {
  const c = createTestCard({ memorySize: 8192, pageSize: 256, cardNumber, seed: cardNumber });
  c.powerOn();
  return c;
};

describe('cardholder PIN', () => {
  it('three wrong PINs block it: 63C2, 63C1, 63C0 (no try left), then 6983 even for the right PIN, across power cycles', () => {
    const c = small('4900000000000501');
    const d = new Driver(c);
    expect(d.send(verifyPin.getApdu('0000')).sw).toBe(0x63c2);
    expect(d.send(verifyPin.getApdu('0000')).sw).toBe(0x63c1);
    expect(d.send(verifyPin.getApdu('0000')).sw).toBe(0x63c0);
    expect(d.send(verifyPin.getApdu('1234')).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect(d.send(pinState.getApdu()).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    c.powerOff();
    c.powerOn();
    expect(d.send(verifyPin.getApdu('1234')).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect(c.inspect().pinTriesLeft).toBe(0);
    // Blocked means no backup and no value load, ever, on this card.
    expect(d.send(backup.getApdu('full', DATE)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    d.send(select.getApdu(APP_AID.membership));
    expect(d.send(membershipRedeem.getApdu(100, DATE)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
  });

  it('a right PIN before the third wrong one restores the three tries', () => {
    const c = small('4900000000000502');
    const d = new Driver(c);
    d.send(verifyPin.getApdu('0000'));
    d.send(verifyPin.getApdu('0000'));
    expect(d.send(verifyPin.getApdu('1234')).sw).toBe(SW.OK);
    expect(c.inspect().pinTriesLeft).toBe(3);
  });

  it('no backup, no restore and no value load without the PIN (6982), and nothing changes', () => {
    const c = small('4900000000000503');
    verify(c);
    const full = runBackup(c, 'full', { date: DATE });
    c.powerOff();
    c.powerOn(); // a new session: the PIN is no longer verified
    const before = c.inspect();
    const d = new Driver(c);
    expect(d.send(backup.getApdu('full', DATE)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    expect(d.send(backup.getApdu('diff', DATE)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    expect(d.send(restore.getApdu({ target: 'same', mode: 'compacted', wrappedKey: full.wrappedKeyBytes, header: full.headerBytes, headerSignature: full.headerSignature })).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    d.send(select.getApdu(APP_AID.membership));
    expect(d.send(membershipRedeem.getApdu(100, DATE)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    const after = c.inspect();
    expect(after.memory).toEqual(before.memory);
    expect(after.backupCounter).toBe(before.backupCounter);
    expect(after.loadHistory).toEqual(before.loadHistory);
  });
});
