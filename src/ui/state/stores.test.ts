import { describe, expect, it } from 'vitest';
import type { TransferPhase } from '../model.ts';
import { pickLanguage } from './language.ts';
import { createOperationStore, fractionDone } from './operation.ts';
import { openPin, wrongPin } from './pin.ts';
import { blocksToLoad, createTimelineStore } from './timeline.ts';
import { damagedSeqs } from './vault.ts';

const progress = (pages: number, totalPages: number, phase: TransferPhase = 'transferring') => ({ pages, totalPages, bytes: 0, apdus: 0, rate: 0, secondsLeft: null, phase });

describe('PIN dialog', () => {
  const open = openPin('backup', { triesLeft: 3, maxTries: 3, blocked: false });
  it('stays open with tries left when the card refused the PIN, and blocks at zero', () => {
    const once = wrongPin({ ...open, busy: true }, 2);
    expect(once).toMatchObject({ open: true, wrong: true, triesLeft: 2, blocked: false, busy: false });
    expect(wrongPin(once, 0).blocked).toBe(true);
  });
  it('opens already blocked when the card says so', () => {
    expect(openPin('restore', { triesLeft: 0, maxTries: 3, blocked: true })).toMatchObject({ open: true, blocked: true, purpose: 'restore' });
  });
});

describe('operation store', () => {
  it('runs one operation at a time and cancels through its AbortController', () => {
    const s = createOperationStore();
    const signal = s.getState().begin('backup');
    expect(signal?.aborted).toBe(false);
    expect(s.getState().begin('restore')).toBeNull();
    s.getState().cancel();
    expect(signal?.aborted).toBe(true);
    s.getState().fail('cancelled');
    expect(s.getState().op).toEqual({ kind: 'backup', phase: 'cancelled' });
    expect(s.getState().begin('restore')).not.toBeNull();
  });
  it('keeps progress only while running, and a failure code after', () => {
    const s = createOperationStore();
    s.getState().progress(progress(1, 2));
    expect(s.getState().op).toBeNull();
    s.getState().begin('restore');
    s.getState().progress(progress(1, 2));
    expect(s.getState().op).toMatchObject({ phase: 'running', progress: { pages: 1 } });
    s.getState().fail('card-removed');
    expect(s.getState().op).toEqual({ kind: 'restore', phase: 'failed', code: 'card-removed' });
    s.getState().dismiss();
    expect(s.getState().op).toBeNull();
  });
  it('fraction done covers the whole operation: 100 % only when done, all pages moved is not the end', () => {
    expect(fractionDone(null)).toBe(0);
    expect(fractionDone(progress(0, 0, 'verifying-pin'))).toBeCloseTo(0.025);
    expect(fractionDone(progress(5, 0))).toBeCloseTo(0.05);
    expect(fractionDone(progress(5, 10))).toBeCloseTo(0.475);
    expect(fractionDone(progress(12, 10))).toBeCloseTo(0.9);
    expect(fractionDone(progress(10, 10, 'completing'))).toBeCloseTo(0.95);
    expect(fractionDone(progress(10, 10, 'done'))).toBe(1);
  });
  it('never goes backwards through the phases of one run', () => {
    const run: [number, TransferPhase][] = [[0, 'reading-card'], [0, 'verifying-pin'], [0, 'planning'], [0, 'starting'], [3, 'transferring'], [10, 'transferring'], [10, 'storing'], [10, 'completing'], [10, 'done']];
    const f = run.map(([p, phase]) => fractionDone(progress(p, 10, phase)));
    for (let i = 1; i < f.length; i++) expect(f[i]).toBeGreaterThanOrEqual(f[i - 1] ?? 0);
  });
});

describe('timeline blocks', () => {
  it('asks only for blocks not yet loaded', () => {
    expect(blocksToLoad(0, 30, new Set())).toEqual([0]);
    expect(blocksToLoad(90, 230, new Set([1]))).toEqual([0, 2]);
    expect(blocksToLoad(10, 10, new Set())).toEqual([]);
    expect(blocksToLoad(99, 100, new Set())).toEqual([0]);
    expect(blocksToLoad(100, 101, new Set())).toEqual([1]);
  });
  it('drops answers for a list that was reset meanwhile', () => {
    const s = createTimelineStore();
    s.getState().reset(10);
    const old = s.getState().generation;
    s.getState().reset(11);
    s.getState().addRows(old, 0, [{ seq: 1, cardNumber: '1', date: 0, kind: 'full', bytes: 1, pagesChanged: 1, health: 'ok', name: null, apps: null }]);
    expect(s.getState().rows.size).toBe(0);
  });
});

describe('language and vault helpers', () => {
  it('picks the first language we have', () => {
    expect(pickLanguage(['ja-JP', 'en-US'])).toBe('ja');
    expect(pickLanguage(['de-DE', 'en-GB', 'ja'])).toBe('en');
    expect(pickLanguage(['fr'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });
  it('lists each damaged backup once, newest first', () => {
    const p = (seq: number) => ({ seq, kind: 'hash-mismatch' as const, detail: '' });
    expect(damagedSeqs({ deep: false, checked: 9, problems: [p(3), p(7), p(3)] })).toEqual([7, 3]);
  });
});
