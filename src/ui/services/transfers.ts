/** Backup, restore and deep verify: the host operations over the card link, mapped onto the UI's types. */
import { backup, restore, verify, type Progress, type RestoreAuthority } from '../../host/index.ts';
import { reissueValue, type Reissuer } from '../../host/reissue.ts';
import { readCard, type CardReading } from '../../host/card-read.ts';
import type { AppKind } from '../../host/app-read.ts';
import { settleValues } from '../../host/restore-values.ts';
import type { Transport } from '../../host/surface.ts';
import type { Vault } from '../../vault/index.ts';
import type { BackupOutcome, RestoredApp, RestoreOutcome, TransferProgress, VaultReport } from '../model.ts';
import type { BackupCall, RestoreCall } from './contract.ts';
import type { BackupNotes } from './notes.ts';
import { noteState } from './preview.ts';
import { problemOf } from './vault-view.ts';

export const progressOf = (p: Progress): TransferProgress => ({
  pages: p.pages,
  totalPages: p.totalPages,
  bytes: p.bytes,
  apdus: p.apdus,
  rate: p.rate,
  secondsLeft: p.secondsLeft ?? null,
  phase: p.phase,
});

/** Applications owning any of `pages` on this card. */
function appsOf(card: CardReading, pages: Iterable<number>): AppKind[] {
  const kinds = new Set<AppKind>();
  for (const p of pages) {
    const owner = card.memory.owners[p];
    if (owner && owner !== 'system' && owner !== 'free') kinds.add(owner);
  }
  return [...kinds];
}

/**
 * The card is read first (the note of what the point holds), then backed up; the host's
 * backup sends the PIN once, as its first step on the card.
 */
export async function runBackup(t: Transport, vault: Vault, notes: BackupNotes, o: BackupCall, issuerRoot?: Uint8Array): Promise<BackupOutcome> {
  const before = await readCard(t);
  const r = await backup(t, vault, { pin: o.pin, kind: o.kind, signal: o.signal, onProgress: (p) => o.onProgress(progressOf(p)), ...(issuerRoot ? { issuerRoot } : {}) });
  notes.set(before.cardNumber, r.seq, { name: o.name?.trim() || null, apps: appsOf(before, r.row.pagesChanged), state: noteState(before) });
  return { seq: r.seq, kind: r.kind, pages: r.pages, bytes: r.row.bytes };
}

/**
 * `issuer`: who authorises a restore onto another card, and (the issuer's service) who
 * re-issues the lost card's value onto it from its ledger afterwards.
 */
export async function runRestore(t: Transport, vault: Vault, o: RestoreCall, issuer: { authority?: RestoreAuthority; reissuer?: Reissuer }): Promise<RestoreOutcome> {
  const authority = issuer.authority;
  const before = await readCard(t);
  const r = await restore(t, vault, {
    pin: o.pin,
    card: o.sourceCard,
    seq: o.seq,
    target: o.target,
    mode: o.mode,
    signal: o.signal,
    onProgress: (p) => o.onProgress(progressOf(p)),
    ...(authority ? { authority } : {}),
  });
  // Fig. 20's card-AP link, version 2: each restored value application logs that it kept its value.
  const settled = await settleValues(t, r.apTable);
  const reissued = o.target === 'other' && issuer.reissuer ? await reissueValue(t, issuer.reissuer) : [];
  const after = await readCard(t);
  const apps: RestoredApp[] = settled.map((s) => {
    const now = after.apps.find((a) => a.kind === s.kind)?.value ?? null;
    const given = reissued.find((r) => r.app === s.kind);
    return {
      kind: s.kind,
      // Version 2: value lives outside the backed-up memory; a restore resets and discards none.
      valueReset: false,
      before: before.apps.find((a) => a.kind === s.kind)?.value ?? null,
      discarded: null,
      after: now,
      reissued: given && now ? { ...now, amount: given.amount } : null,
    };
  });
  return { seq: r.seq, sourceCard: o.sourceCard, target: o.target, pages: r.pages, apps };
}

/** Structural always; deep (the card opens every record) with the card and its PIN. */
export async function runVerify(vault: Vault, deep: { transport: Transport; pin: string } | null): Promise<VaultReport> {
  const report = await verify(vault, deep ?? {});
  const problems = report.structural.map(problemOf);
  for (const d of report.deep ?? []) if (!d.ok) problems.push({ seq: d.seq, kind: 'record-fails', detail: d.message });
  const cards = await vault.listCards();
  let checked = 0;
  for (const c of cards) checked += (await vault.timeline(c.cardNumber)).length;
  return { deep: report.deep !== undefined, checked, problems };
}
