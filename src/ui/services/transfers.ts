/** Backup, restore, PIN check and deep verify: the host flows over the card link, mapped onto the UI's types. */
import { backup, restore, verify, type Authorise, type Progress } from '../../host/index.ts';
import { emoneyReadLog, membershipReadLog } from '../../protocol/commands/apps/index.ts';
import { CardError, verifyPin as verifyPinCmd } from '../../protocol/commands/index.ts';
import type { ApTableEntryInfo } from '../../protocol/commands/index.ts';
import type { Transport } from '../../protocol/transport.ts';
import type { Vault } from '../../vault/index.ts';
import type { BackupResult, PinResult, RestoredApp, RestoreResult, TransferProgress, VaultReport } from '../model.ts';
import type { BackupOptions, RestoreOptions } from './contract.ts';
import { kindOfAid, run, selectApp } from './app-read.ts';
import { problemOf } from './vault-view.ts';

export const progressOf = (p: Progress): TransferProgress => ({
  pages: p.pages,
  totalPages: p.totalPages,
  bytes: p.bytes,
  apdus: p.apdus,
  rate: p.rate,
  secondsLeft: p.secondsLeft ?? null,
});

/** VERIFY: the card's answer as the PIN dialog shows it. */
export async function checkPin(t: Transport, pin: string, triesNow: number): Promise<PinResult> {
  let apdu;
  try {
    apdu = verifyPinCmd.getApdu(pin);
  } catch {
    return { ok: false, triesLeft: triesNow, blocked: triesNow === 0 }; // malformed: never sent, no try spent
  }
  try {
    await run(t, apdu, (r) => verifyPinCmd.parseResponse(r));
    return { ok: true };
  } catch (e) {
    if (e instanceof CardError && e.code === 'WRONG_PIN') return { ok: false, triesLeft: e.triesLeft ?? 0, blocked: (e.triesLeft ?? 0) === 0 };
    if (e instanceof CardError && e.code === 'PIN_BLOCKED') return { ok: false, triesLeft: 0, blocked: true };
    throw e;
  }
}

export async function runBackup(t: Transport, vault: Vault, o: BackupOptions): Promise<BackupResult> {
  const r = await backup(t, vault, { pin: o.pin, kind: o.kind, signal: o.signal, onProgress: (p) => o.onProgress(progressOf(p)) });
  return { seq: r.seq, kind: r.kind, pages: r.pages, bytes: r.row.bytes };
}

/** What a value application discarded on its reset: the amount of its newest `reset` log entry. */
async function discarded(t: Transport, e: ApTableEntryInfo): Promise<RestoredApp> {
  const kind = kindOfAid(e.aid) ?? 'emoney';
  if (!e.holdsValue || !e.restoreExecuted) return { kind, valueReset: false, valueInBackup: null };
  await selectApp(t, kind);
  // The first command after a restore triggers the reset (SW 6283); READ LOG then shows it.
  const log = kind === 'membership' ? await run(t, membershipReadLog.getApdu(), (r) => membershipReadLog.parseResponse(r)) : await run(t, emoneyReadLog.getApdu(), (r) => emoneyReadLog.parseResponse(r));
  const reset = log.value.find((x) => x.kind === 'reset');
  return { kind, valueReset: true, valueInBackup: reset ? { amount: reset.amount, unit: kind === 'membership' ? 'points' : 'yen' } : null };
}

export async function runRestore(t: Transport, vault: Vault, source: string, o: RestoreOptions, authorise: Authorise | undefined): Promise<RestoreResult> {
  const r = await restore(t, vault, {
    pin: o.pin,
    card: source,
    seq: o.seq,
    target: o.target === 'this' ? 'same' : 'other',
    mode: o.mode,
    signal: o.signal,
    onProgress: (p) => o.onProgress(progressOf(p)),
    ...(authorise ? { authorise } : {}),
  });
  const apps: RestoredApp[] = [];
  for (const e of r.apTable) if (kindOfAid(e.aid)) apps.push(await discarded(t, e));
  return { seq: r.seq, target: o.target, pages: r.pages, apps };
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
