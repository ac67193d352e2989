/** The restore preview, pure: what the card now and the chosen point differ in, and what is lost. */
import { describe, expect, it } from 'vitest';
import type { CardReading } from '../../src/host/card-read.ts';
import { noteState, previewRestore } from '../../src/ui/services/preview.ts';

function card(cardNumber: string, yen: number, records: number, changedPages: number[] = []): CardReading {
  return {
    cardNumber,
    issuer: 1,
    apps: [
      { kind: 'emoney', aid: 'A0', holdsValue: true, restoredFlag: false, value: { amount: yen, unit: 'yen' }, fields: [], records: null },
      { kind: 'medical', aid: 'A4', holdsValue: false, restoredFlag: false, value: null, fields: Array.from({ length: records }, (_, i) => ({ id: 'record', value: `r${i}` })), records },
    ],
    memory: { pageSize: 64, pageCount: 8, owners: ['system', 'emoney', 'emoney', 'medical', 'medical', 'free', 'free', 'free'], changedCount: changedPages.length, changedPages },
    pin: { triesLeft: 3, maxTries: 3, blocked: false },
    lastBackupSeq: 1,
  };
}

describe('restore preview', () => {
  it('same card: value now, at the point, and after = now (version 2: value kept); records and pages per application', () => {
    const atPoint = card('1', 3200, 2);
    const now = card('1', 1200, 3, [1]);
    const p = previewRestore({ card: now, sourceCard: '1', seq: 1, note: { name: null, apps: null, state: noteState(atPoint) }, laterPages: [[3, 4], [1]], issuerLinked: false });
    expect(p.target).toBe('same');
    expect(p.blocked).toEqual({ other: 'same-card' });
    expect(p.apps[0]).toMatchObject({ kind: 'emoney', now: { amount: 1200 }, atPoint: { amount: 3200 }, after: { amount: 1200 }, pagesChanged: 1 });
    expect(p.apps[1]).toMatchObject({ kind: 'medical', recordsNow: 3, recordsAtPoint: 2, dataDiffers: true, pagesChanged: 2 });
    expect(p.pagesChangedSince).toBe(3); // pages 1, 3, 4 once each
    expect(p.pointKnown).toBe(true);
  });
  it('another card: the replacement is the target; without an issuer link it is blocked with that reason', () => {
    const p = previewRestore({ card: card('2', 0, 0), sourceCard: '1', seq: 1, note: { name: null, apps: null, state: null }, laterPages: [], issuerLinked: false });
    expect(p.target).toBe('other');
    // Version 2: the target keeps its own value; the issuer re-issues by load token.
    expect(p.apps[0]).toMatchObject({ kind: 'emoney', after: { amount: 0 } });
    expect(p.blocked).toEqual({ same: 'not-this-card', other: 'no-issuer' });
    expect(p.pointKnown).toBe(false);
    expect(p.pagesChangedSince).toBeNull();
    expect(previewRestore({ card: card('2', 0, 0), sourceCard: '1', seq: 1, note: { name: null, apps: null, state: null }, laterPages: [], issuerLinked: true }).blocked).toEqual({ same: 'not-this-card' });
  });
});
