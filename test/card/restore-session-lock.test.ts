/**
 * Issue 10: memory is locked during a restore session (RESTORE .. RESTORE COMPLETE)
 * exactly as during a backup session (fig. 14, 131). Before the fix a write between a
 * replay diff step's RESTORE and its COMPLETE stayed in memory with its changed bit
 * cleared by COMPLETE (no later diff carried it), and a CREDIT answered 9000 and was
 * then overwritten. Everything here goes through `transmit` only.
 */
import { describe, expect, it } from 'vitest';
import { type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import { equal } from '../../src/protocol/bytes.ts';
import { token } from './value-support.ts';
import { APP_AID, emoneyCredit, emoneyDebit, medicalAppendRecord, medicalCount, type MedicalRecord } from '../../src/protocol/commands/apps/index.ts';
import {
  restore,
  restoreComplete,
  restoreTransfer,
  select,
} from '../../src/protocol/commands/index.ts';
import { commandRoom, packRecords, recordsOf, runBackup, runRestore, send, verify, type StoredBackup } from './helpers.ts';

const DATE = 1_700_000_000_000;
const record: MedicalRecord = { date: Date.UTC(2026, 0, 2), code: 'J06', note: 'after the point' };

function story(): { card: SimCard; full: StoredBackup; diff: StoredBackup } {
  const card = createTestCard({ seed: 'restore-lock', memorySize: 16 * 1024 });
  card.powerOn();
  verify(card);
  const full = runBackup(card, 'full');
  send(card, select.getApdu(APP_AID.emoney));
  // Version 2: value enters only by load token (test/card/value-support.ts).
  expect(send(card, emoneyCredit.getApdu(token({ cardNumber: '4900000000000001', amount: 1000, loadCounter: 1 }), DATE)).sw).toBe(0x9000);
  expect(send(card, emoneyDebit.getApdu(100, DATE)).sw).toBe(0x9000);
  const diff = runBackup(card, 'diff');
  // Back to the full point, so the diff can be replayed on it.
  expect(runRestore(card, full, [full], { mode: 'replay' })).toBe(0x9000);
  return { card, full, diff };
}

/** RESTORE (replay diff step) and every transfer; the session stays open before COMPLETE. */
function openDiffStep(card: SimCard, diff: StoredBackup): void {
  const start = send(card, restore.getApdu({ target: 'same', mode: 'replay', wrappedKey: diff.wrappedKeyBytes, header: diff.headerBytes, headerSignature: diff.headerSignature }));
  expect(start.sw.toString(16)).toBe('9000');
  for (const t of packRecords(recordsOf(diff), diff.header.pageSize, commandRoom(card))) expect(send(card, restoreTransfer.getApdu(t)).sw).toBe(0x9000);
}

describe('restore session locks memory (issue 10)', () => {
  it('refuses a medical APPEND, a DEBIT and a CREDIT between RESTORE and RESTORE COMPLETE with 6985, memory unchanged', () => {
    const { card, diff } = story();
    verify(card); // the restore started from the card manager; the PIN stays verified in this session
    openDiffStep(card, diff);
    const before = card.save();
    expect(send(card, select.getApdu(APP_AID.medical)).sw).toBe(0x9000);
    expect(send(card, medicalAppendRecord.getApdu(record)).sw.toString(16)).toBe('6985');
    expect(send(card, select.getApdu(APP_AID.emoney)).sw).toBe(0x9000);
    expect(send(card, emoneyDebit.getApdu(10, DATE)).sw.toString(16)).toBe('6985');
    expect(send(card, emoneyCredit.getApdu(token({ cardNumber: '4900000000000001', amount: 10, loadCounter: 2 }), DATE)).sw.toString(16)).toBe('6985');
    expect(equal(card.save(), before), 'memory changed inside the restore session').toBe(true);
    // The session is still open and completes: the locked writes did not end it.
    expect(send(card, restoreComplete.getApdu(DATE)).sw.toString(16)).toBe('9000');
  });

  it('after COMPLETE the same write is accepted and its changed bit survives into the next diff', () => {
    const { card, diff } = story();
    openDiffStep(card, diff);
    send(card, select.getApdu(APP_AID.medical));
    expect(send(card, medicalAppendRecord.getApdu(record)).sw.toString(16)).toBe('6985');
    expect(send(card, restoreComplete.getApdu(DATE)).sw).toBe(0x9000);
    expect(card.inspect().changedPages).toEqual([]);
    send(card, select.getApdu(APP_AID.medical));
    const n = send(card, medicalCount.getApdu()).data[0] ?? 0;
    expect(send(card, medicalAppendRecord.getApdu(record)).sw).toBe(0x9000);
    expect(send(card, medicalCount.getApdu()).data[0]).toBe(n + 1);
    expect(card.inspect().changedPages.length).toBeGreaterThan(0);
    const next = runBackup(card, 'diff');
    expect(next.header.recordCount).toBeGreaterThan(0);
  });

  it('a CREDIT inside a restore session is not answered 9000 (the holder never loses a load)', () => {
    const { card, diff } = story();
    const loads = card.inspect().loadHistory.total;
    openDiffStep(card, diff);
    send(card, select.getApdu(APP_AID.emoney));
    const credit = send(card, emoneyCredit.getApdu(token({ cardNumber: '4900000000000001', amount: 500, loadCounter: 2 }), DATE));
    expect(credit.sw.toString(16)).toBe('6985');
    expect(card.inspect().restoreInProgress).toBe(true);
    expect(send(card, restoreComplete.getApdu(DATE)).sw).toBe(0x9000);
    // The refused CREDIT left no load behind: only the restore's own entry was added.
    const history = card.inspect().loadHistory;
    expect(history.total).toBe(loads + 1);
    expect(history.entries.at(-1)?.what).toBe('restore-diff');
    expect(history.entries.filter((e) => e.what === 'value-load')).toHaveLength(1); // story()'s own load only
  });

  it('a backup session gives the same status word to the same write', () => {
    const card = createTestCard({ seed: 'backup-lock', memorySize: 16 * 1024 });
    card.powerOn();
    verify(card);
    runBackup(card, 'full', { complete: false });
    send(card, select.getApdu(APP_AID.medical));
    expect(send(card, medicalAppendRecord.getApdu(record)).sw.toString(16)).toBe('6985');
  });
});
