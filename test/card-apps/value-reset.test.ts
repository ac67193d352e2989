/**
 * Fig. 20 with the patent's alternative: a restored value application sets its value
 * to zero before it handles value, logs it, clears its flag, and answers the command
 * that triggered it with 6283.
 */
import { describe, expect, it } from 'vitest';
import { command } from '../../src/protocol/apdu.ts';
import { emoneyApp, membershipApp } from '../../src/card-sim/apps/index.ts';
import { emoneyCredit, emoneyDebit, emoneyReadBalance, emoneyReadLog } from '../../src/protocol/commands/apps/emoney.ts';
import { membershipAddPoints, membershipRead, membershipReadLog, membershipRedeem } from '../../src/protocol/commands/apps/membership.ts';
import { SW } from '../../src/protocol/status-words.ts';
import { installed, PowerCut } from './context.ts';
import { NOW, send } from './send.ts';

describe('e-money after a restore', () => {
  const restored = () => {
    const ctx = installed(emoneyApp, { 'emoney.balance': 2500 });
    ctx.restored = true;
    return ctx;
  };

  it('a read triggers the reset: 6283 with the data after the reset, then 9000', () => {
    const ctx = restored();
    expect(emoneyReadBalance.parseResponse(send(emoneyApp, ctx, emoneyReadBalance.getApdu()).bytes)).toEqual({ value: 0, valueReset: true });
    expect(ctx.restored).toBe(false);
    expect(emoneyReadBalance.parseResponse(send(emoneyApp, ctx, emoneyReadBalance.getApdu()).bytes)).toEqual({ value: 0, valueReset: false });
    const log = emoneyReadLog.parseResponse(send(emoneyApp, ctx, emoneyReadLog.getApdu()).bytes);
    expect(log.valueReset).toBe(false);
    expect(log.value[0]).toEqual({ date: 0, kind: 'reset', amount: 2500, after: 0 });
  });

  it('READ LOG as the first command answers 6283 and already shows the reset entry', () => {
    const ctx = restored();
    const log = emoneyReadLog.parseResponse(send(emoneyApp, ctx, emoneyReadLog.getApdu()).bytes);
    expect(log.valueReset).toBe(true);
    expect(log.value.map((e) => e.kind)).toEqual(['reset', 'issue']);
  });

  it('a DEBIT triggers the reset and is not executed: 6283, no data', () => {
    const ctx = restored();
    expect(emoneyDebit.parseResponse(send(emoneyApp, ctx, emoneyDebit.getApdu(100, NOW)).bytes)).toEqual({ value: undefined, valueReset: true });
    expect(send(emoneyApp, ctx, emoneyReadBalance.getApdu()).data).toEqual(new Uint8Array(4));
    expect(send(emoneyApp, ctx, emoneyDebit.getApdu(100, NOW)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
  });

  it('the reset comes before the PIN check: a CREDIT without PIN still resets (6283), loads nothing', () => {
    const ctx = restored();
    expect(send(emoneyApp, ctx, emoneyCredit.getApdu(1000, NOW)).sw).toBe(SW.VALUE_RESET);
    expect(ctx.loads).toEqual([]);
    expect(send(emoneyApp, ctx, emoneyCredit.getApdu(1000, NOW)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    ctx.pin = true;
    expect(emoneyCredit.parseResponse(send(emoneyApp, ctx, emoneyCredit.getApdu(1000, NOW)).bytes).value).toBe(1000);
  });

  it('a malformed command does not trigger it: 6700, nothing changes, the flag waits', () => {
    const ctx = restored();
    const before = ctx.snapshot();
    expect(send(emoneyApp, ctx, command(0x80, 0x34, 0, 0, Uint8Array.of(0))).sw).toBe(SW.WRONG_LENGTH);
    expect(send(emoneyApp, ctx, command(0x80, 0x99, 0, 0)).sw).toBe(SW.INS_NOT_SUPPORTED);
    expect(ctx.snapshot()).toBe(before);
    expect(ctx.restored).toBe(true);
  });

  it('a power cut at any write of the reset leaves the old area and the flag set; the retry resets', () => {
    for (let n = 1; n <= 3; n++) {
      const ctx = restored();
      const before = ctx.snapshot();
      ctx.cutAtWrite(n);
      expect(() => send(emoneyApp, ctx, emoneyReadBalance.getApdu())).toThrow(PowerCut);
      expect(ctx.snapshot()).toBe(before);
      expect(ctx.restored).toBe(true);
      expect(send(emoneyApp, ctx, emoneyReadBalance.getApdu()).sw).toBe(SW.VALUE_RESET);
    }
  });
});

describe('membership after a restore', () => {
  it('points go to zero; READ answers 6283 with member number and tier kept', () => {
    const ctx = installed(membershipApp, { 'membership.points': 777 });
    ctx.restored = true;
    const r = membershipRead.parseResponse(send(membershipApp, ctx, membershipRead.getApdu()).bytes);
    expect(r).toEqual({ value: { memberNumber: '8000123456789012', tier: 'gold', points: 0 }, valueReset: true });
    expect(membershipReadLog.parseResponse(send(membershipApp, ctx, membershipReadLog.getApdu()).bytes).value[0]).toEqual({
      date: 0,
      kind: 'reset',
      amount: 777,
      after: 0,
    });
  });

  it('ADD POINTS and REDEEM trigger it and are not executed', () => {
    for (const cmd of [membershipAddPoints.getApdu(50, NOW), membershipRedeem.getApdu(50, NOW)]) {
      const ctx = installed(membershipApp);
      ctx.restored = true;
      ctx.pin = true;
      expect(membershipAddPoints.parseResponse(send(membershipApp, ctx, cmd).bytes)).toEqual({ value: undefined, valueReset: true });
      expect(ctx.loads).toEqual([]);
      expect(membershipRead.parseResponse(send(membershipApp, ctx, membershipRead.getApdu()).bytes).value.points).toBe(0);
    }
  });
});
