import { describe, expect, it } from 'vitest';
import { membershipApp, MEMBERSHIP_MAX_POINTS } from '../../src/card-sim/apps/index.ts';
import { membershipAddPoints, membershipRead, membershipReadLog, membershipRedeem } from '../../src/protocol/commands/apps/membership.ts';
import { SW } from '../../src/protocol/status-words.ts';
import { installed } from './context.ts';
import { NOW, send } from './send.ts';

const points = (ctx: ReturnType<typeof installed>) => membershipRead.parseResponse(send(membershipApp, ctx, membershipRead.getApdu()).bytes).value.points;

describe('membership application', () => {
  it('installs member number, tier and points from the seed', () => {
    const ctx = installed(membershipApp, { 'membership.number': '8000000000000001', 'membership.tier': 'platinum', 'membership.points': 42 });
    expect(membershipRead.parseResponse(send(membershipApp, ctx, membershipRead.getApdu()).bytes).value).toEqual({
      memberNumber: '8000000000000001',
      tier: 'platinum',
      points: 42,
    });
  });

  it('ADD POINTS needs no PIN and is recorded in the load history', () => {
    const ctx = installed(membershipApp, { 'membership.points': 100 });
    expect(membershipAddPoints.parseResponse(send(membershipApp, ctx, membershipAddPoints.getApdu(25, NOW)).bytes).value).toBe(125);
    expect(ctx.loads).toEqual([{ date: NOW, what: 'points-load', amount: 25, aid: 'A0000009990205' }]);
  });

  it('REDEEM needs the PIN and never goes below zero', () => {
    const ctx = installed(membershipApp, { 'membership.points': 100 });
    expect(send(membershipApp, ctx, membershipRedeem.getApdu(10, NOW)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    ctx.pin = true;
    expect(send(membershipApp, ctx, membershipRedeem.getApdu(101, NOW)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(membershipRedeem.parseResponse(send(membershipApp, ctx, membershipRedeem.getApdu(100, NOW)).bytes).value).toBe(0);
    const log = membershipReadLog.parseResponse(send(membershipApp, ctx, membershipReadLog.getApdu()).bytes).value;
    expect(log.map((e) => [e.kind, e.amount, e.after])).toEqual([
      ['redeem', 100, 0],
      ['issue', 100, 100],
    ]);
  });

  it('refuses points above the maximum (6985)', () => {
    const ctx = installed(membershipApp, { 'membership.points': MEMBERSHIP_MAX_POINTS });
    expect(send(membershipApp, ctx, membershipAddPoints.getApdu(1, NOW)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(points(ctx)).toBe(MEMBERSHIP_MAX_POINTS);
  });

  it('rejects a bad seed', () => {
    expect(() => installed(membershipApp, { 'membership.tier': 'diamond' })).toThrow(TypeError);
    expect(() => installed(membershipApp, { 'membership.number': '12' })).toThrow(TypeError);
  });
});
