/**
 * Cancelling a backup at every phase leaves card and vault consistent: the card's
 * changed pages still pending, no backup session left open, the vault exactly as it
 * was (an unconfirmed backup is discarded), and the next backup works, chaining on
 * the last completed one. Seqs the card spent on cancelled backups are never reused
 * (the card's counter is monotonic: a seq is a nonce), so the chain skips them: it is
 * linked by header hash, not by consecutive numbers.
 */
import { describe, expect, it, vi } from 'vitest';
import { backup, HostError, type Phase, type Progress } from '../../src/host/index.ts';
import { CARD_A, changeRandomPages, direct, dump, expectChainIntact, makeCard, PIN, rng, vaultFactory } from './fixture.ts';

const at = (phase: Phase, when: (p: Progress) => boolean = () => true) => ({ phase, when });

const cases: [string, ReturnType<typeof at>, { backupSent: boolean; committedFirst: boolean }][] = [
  ['before VERIFY', at('verifying-pin'), { backupSent: false, committedFirst: false }],
  ['before BACKUP', at('starting'), { backupSent: false, committedFirst: false }],
  ['mid-transfer', at('transferring', (p) => p.pages > 0), { backupSent: true, committedFirst: false }],
  ['after commit, before COMPLETE', at('storing'), { backupSent: true, committedFirst: true }],
];

describe.each(['full', 'diff'] as const)('cancelling a %s backup', (kind) => {
  it.each(cases)('%s', async (_name, trigger, expectations) => {
    // 128 KiB with a 96 KiB application: a diff of most of it takes two BACKUP DATA TRANSFERs.
    const card = makeCard(CARD_A, { memorySize: 128 * 1024, area: 96 * 1024 });
    const t = direct(card);
    const vault = await vaultFactory().open();
    await backup(t, vault, { pin: PIN, kind: 'full', date: 1 });
    changeRandomPages(card, rng(11), 1200);
    const pending = card.inspect().changedPages;
    expect(pending.length).toBeGreaterThan(65536 / 274); // more than one answer's worth
    const counter = card.inspect().backupCounter;
    const before = await dump(vault);
    t.log.length = 0;

    const discard = vi.spyOn(vault, 'discardBackup');
    const ctl = new AbortController();
    let committed = false;
    const err = await backup(t, vault, {
      pin: PIN,
      kind,
      date: 2,
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.phase === 'completing') committed = true;
        if (p.phase === trigger.phase && trigger.when(p)) ctl.abort();
      },
    }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(HostError);
    expect((err as HostError).code).toBe('CANCELLED');
    expect(committed).toBe(false);
    const v = card.inspect();
    expect(v.changedPages).toEqual(pending);
    expect(v.backupInProgress).toBe(false);
    expect(v.chainHead).not.toBe('');
    expect(t.sent().includes('80b0')).toBe(expectations.backupSent);
    expect(t.sent().includes('80b4')).toBe(false); // BACKUP COMPLETE never went out
    if (expectations.backupSent) expect(t.sent()).toContain('80b6'); // BACKUP ABORT did
    if (trigger.phase === 'transferring') expect(t.sent().filter((i) => i === '80b2')).toHaveLength(1);
    // After a commit the vault held the backup unconfirmed; the host discarded it.
    expect(discard).toHaveBeenCalledTimes(expectations.committedFirst ? 1 : 0);
    expect(await dump(vault)).toEqual(before);

    const next = await backup(t, vault, { pin: PIN, kind: 'auto', date: 3 });
    expect(next.kind).toBe('diff');
    expect(next.row.pagesChanged).toEqual(pending);
    expect(next.seq).toBe(counter + (expectations.backupSent ? 2 : 1));
    expect(await expectChainIntact(vault, CARD_A)).toEqual([1, next.seq]);
    vault.close();
  });
});
