import { describe, expect, it } from 'vitest';
import { command } from '../../src/protocol/apdu.ts';
import { emoneyApp, EMONEY_LOG_CAPACITY, EMONEY_MAX_BALANCE } from '../../src/card-sim/apps/index.ts';
import { emoneyCredit, emoneyDebit, emoneyReadBalance, emoneyReadLog } from '../../src/protocol/commands/apps/emoney.ts';
import { SW } from '../../src/protocol/status-words.ts';
import { installed } from './context.ts';
import { NOW, send } from './send.ts';

const balance = (ctx: ReturnType<typeof installed>) => emoneyReadBalance.parseResponse(send(emoneyApp, ctx, emoneyReadBalance.getApdu()).bytes).value;
const log = (ctx: ReturnType<typeof installed>) => emoneyReadLog.parseResponse(send(emoneyApp, ctx, emoneyReadLog.getApdu()).bytes).value;

describe('e-money application', () => {
  it('installs the demo balance with an issue entry', () => {
    const ctx = installed(emoneyApp);
    expect(balance(ctx)).toBe(3200);
    expect(log(ctx)).toEqual([{ date: Date.parse('2024-04-01T09:00:00Z'), kind: 'issue', amount: 3200, after: 3200 }]);
  });

  it('CREDIT needs the PIN (6982, nothing changes), then loads value and records the load', () => {
    const ctx = installed(emoneyApp, { 'emoney.balance': 1000 });
    const before = ctx.snapshot();
    expect(send(emoneyApp, ctx, emoneyCredit.getApdu(500, NOW)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    expect(ctx.snapshot()).toBe(before);
    expect(ctx.loads).toEqual([]);
    ctx.pin = true;
    const r = emoneyCredit.parseResponse(send(emoneyApp, ctx, emoneyCredit.getApdu(500, NOW)).bytes);
    expect(r).toEqual({ value: 1500, valueReset: false });
    expect(ctx.loads).toEqual([{ date: NOW, what: 'value-load', amount: 500, aid: 'A0000009990201' }]);
    expect(log(ctx)[0]).toEqual({ date: NOW, kind: 'credit', amount: 500, after: 1500 });
  });

  it('DEBIT spends without a PIN and never goes below zero (6985)', () => {
    const ctx = installed(emoneyApp, { 'emoney.balance': 1000 });
    expect(emoneyDebit.parseResponse(send(emoneyApp, ctx, emoneyDebit.getApdu(400, NOW)).bytes).value).toBe(600);
    const before = ctx.snapshot();
    expect(send(emoneyApp, ctx, emoneyDebit.getApdu(601, NOW)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(ctx.snapshot()).toBe(before);
    expect(emoneyDebit.parseResponse(send(emoneyApp, ctx, emoneyDebit.getApdu(600, NOW)).bytes).value).toBe(0);
  });

  it('refuses a credit above the limit (6985) and an amount of 0 (6A80)', () => {
    const ctx = installed(emoneyApp, { 'emoney.balance': EMONEY_MAX_BALANCE - 10 });
    ctx.pin = true;
    const before = ctx.snapshot();
    expect(send(emoneyApp, ctx, emoneyCredit.getApdu(11, NOW)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    const zero = command(0x80, 0x30, 0, 0, new Uint8Array(12), 4);
    expect(send(emoneyApp, ctx, zero).sw).toBe(SW.WRONG_DATA);
    expect(ctx.snapshot()).toBe(before);
    expect(send(emoneyApp, ctx, emoneyCredit.getApdu(10, NOW)).sw).toBe(SW.OK);
  });

  it('keeps the last N log entries, newest first', () => {
    const ctx = installed(emoneyApp, { 'emoney.balance': 10_000 });
    for (let i = 1; i <= EMONEY_LOG_CAPACITY + 3; i++) send(emoneyApp, ctx, emoneyDebit.getApdu(i, NOW + i));
    const entries = log(ctx);
    expect(entries).toHaveLength(EMONEY_LOG_CAPACITY);
    expect(entries.map((e) => e.amount)).toEqual(Array.from({ length: EMONEY_LOG_CAPACITY }, (_, i) => EMONEY_LOG_CAPACITY + 3 - i));
    expect(entries[0]?.after).toBe(balance(ctx));
  });

  it.each([
    ['wrong class', command(0x00, 0x34, 0, 0, undefined, 4), SW.CLA_NOT_SUPPORTED],
    ['unknown instruction', command(0x80, 0x38, 0, 0), SW.INS_NOT_SUPPORTED],
    ['P1 not 00', command(0x80, 0x34, 1, 0, undefined, 4), SW.INCORRECT_P1P2],
    ['short debit data', command(0x80, 0x32, 0, 0, new Uint8Array(11)), SW.WRONG_LENGTH],
    ['data on READ BALANCE', command(0x80, 0x34, 0, 0, Uint8Array.of(1)), SW.WRONG_LENGTH],
  ])('%s: %s and nothing changes', (_name, cmd, sw) => {
    const ctx = installed(emoneyApp);
    ctx.pin = true;
    const before = ctx.snapshot();
    expect(send(emoneyApp, ctx, cmd).sw).toBe(sw);
    expect(ctx.snapshot()).toBe(before);
  });
});
