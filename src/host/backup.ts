/**
 * backup(): one full or differential backup from the card into the vault
 * (docs/architecture.md steps 1-7, docs/host.md). The vault's card lock is held for the
 * whole flow. Until BACKUP COMPLETE is sent, any failure or cancellation ends the
 * card's backup session (BACKUP ABORT: its changed pages stay pending) and removes
 * whatever reached the vault, so an unacknowledged backup is never visible.
 */
import { hex } from '../protocol/bytes.ts';
import { BACKUP_DATA_PREFIX_BYTES } from '../protocol/trust/backup-data.ts';
import { headerHash, recordBytes, type BackupKind, type SealedRecord } from '../protocol/backup-format.ts';
import { backup as backupCmd, backupAbort, backupComplete, backupTransfer, getBackupStatus, getCardCertificate, type BackupStart, type BackupStatus } from '../protocol/commands/index.ts';
import type { Transport } from '../protocol/transport.ts';
import type { BackupRow, Vault } from '../vault/index.ts';
import { presentPin, readIdentity, readStatus } from './card.ts';
import { checkCardGenuine } from './card-genuine.ts';
import { HostError, toHostError } from './errors.ts';
import { CardLink } from './link.ts';
import { Meter, type ProgressListener } from './progress.ts';
import { reconcile } from './reconcile.ts';

export interface BackupOptions {
  pin: string;
  /** auto: a diff when the vault holds the card's current point, else a full. */
  kind: 'auto' | BackupKind;
  /** The backup's date (ms since 1970; the card has no clock). Default: now. */
  date?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Name for a card the vault has not seen. */
  label?: string;
  /** Clock for the rate and time-left estimate. */
  now?: () => number;
  /**
   * The issuer's root public key. When given, a card whose certificate the vault does not
   * keep yet is checked up to it, and asked to sign a fresh challenge, before its first
   * backup is kept (card-genuine.ts): the vault then checks every later header against a
   * certificate the issuer made. Without it the card's own certificate is taken as it is
   * (the issuer still checks the chain when a backup is uploaded).
   */
  issuerRoot?: Uint8Array;
}

export interface BackupResult {
  cardNumber: string;
  seq: number;
  kind: BackupKind;
  /** The stored, confirmed row. */
  row: BackupRow;
  pages: number;
  apdus: number;
  wireBytes: number;
}

/** Which kind to run: refuses a diff the vault could not anchor, before anything is sent to change the card. */
/**
 * Full or diff. A diff needs its base in the vault, confirmed, and of the card's current
 * epoch: a diff leaves every page it does not carry to its base, and a page opens only
 * under the epoch its header names, so a diff of a new epoch on a base of an older one
 * (after EPOCH UPDATE, or after restoring an older epoch's point) could never be restored.
 * The card itself still makes such a diff (docs/model.md "Found": the point's epoch is not
 * kept on the card); the host never asks for one.
 */
async function decideKind(vault: Vault, card: string, epoch: number, status: BackupStatus, asked: BackupOptions['kind']): Promise<BackupKind> {
  const base = status.currentPoint === 0 ? undefined : await vault.getBackup(card, status.currentPoint);
  const usable = base?.confirmed === true && base.epoch === epoch;
  if (asked === 'auto') return usable ? 'diff' : 'full';
  if (asked === 'diff' && !usable) {
    const why =
      status.currentPoint === 0
        ? 'the card has no current point (it was never backed up, was restored from another card, or took a new epoch key)'
        : base?.confirmed === true
          ? `the card's current point, seq ${status.currentPoint}, is of epoch ${base.epoch} and the card now wraps to epoch ${epoch}: a diff on it could never be restored`
          : `the vault does not hold seq ${status.currentPoint}, the card's current point`;
    throw new HostError('MISSING_BASE', `a differential backup of card ${card} is refused: ${why}. Run a full backup.`);
  }
  return asked;
}

export async function backup(transport: Transport, vault: Vault, opts: BackupOptions): Promise<BackupResult> {
  const link = new CardLink(transport, opts.signal);
  const meter = new Meter(link.wire, opts.onProgress, opts.now);
  try {
    meter.emit('reading-card');
    const id = await readIdentity(link);
    return await vault.withCardLock(id.cardNumber, async () => {
      const status = await readStatus(link);
      if (status.restorePending) throw new HostError('CARD_BUSY', 'a restore onto this card was cut off: restore it again before backing up');
      await reconcile(vault, id.cardNumber, status);
      const kind = await decideKind(vault, id.cardNumber, id.epoch, status, opts.kind);
      // The vault checks every header's signature against the card's certificate: read it
      // from the card once, then use the one the vault keeps (it refuses a different one).
      const certificate =
        (await vault.getCard(id.cardNumber))?.certificate ??
        (opts.issuerRoot ? (await checkCardGenuine(link, id.cardNumber, opts.issuerRoot)).certificate : await link.run(getCardCertificate.getApdu(), (r) => getCardCertificate.parseResponse(r)));
      meter.emit('verifying-pin');
      await presentPin(link, opts.pin);
      meter.emit('starting');
      const start = await link.run(backupCmd.getApdu(kind, opts.date ?? Date.now(), Math.min(BACKUP_DATA_PREFIX_BYTES, link.limits.maxResponseData)), (r) => backupCmd.parseResponse(r));
      return await transferAndStore(link, vault, meter, start, { certificate, label: opts.label });
    });
  } catch (e) {
    throw toHostError(e, 'backup');
  }
}

async function transferAndStore(link: CardLink, vault: Vault, meter: Meter, start: BackupStart, card: { certificate: Uint8Array; label: string | undefined }): Promise<BackupResult> {
  const label = card.label;
  const h = start.header;
  const cardNumber = h.cardNumber;
  meter.totalPages = h.recordCount;
  meter.totalBytes = h.recordCount * recordBytes(h.pageSize);
  let committed = false;
  let completeSent = false;
  try {
    const records: SealedRecord[] = [];
    meter.emit('transferring');
    for (let done = false; !done; ) {
      // Ask for as much as the link carries; a short link gets the rest by 61xx.
      const chunk = await link.run(backupTransfer.getApdu(link.limits.maxResponseData), (r) => backupTransfer.parseResponse(r, h.pageSize));
      for (const s of chunk.segments) {
        if (s.seq !== h.seq || s.kind !== h.kind) throw new HostError('CARD_REFUSED', `the card sent records of seq ${s.seq} during backup seq ${h.seq}`);
        records.push(...s.records);
      }
      meter.moved(chunk.segments.reduce((n, s) => n + s.records.length, 0), chunk.bytes.length);
      meter.emit('transferring');
      done = chunk.done;
    }
    link.checkpoint();
    meter.emit('storing');
    await vault.commitBackup({
      wrappedKey: start.wrappedKeyBytes,
      header: start.headerBytes,
      headerSignature: start.headerSignature,
      cardCertificate: card.certificate,
      records,
      ...(label === undefined ? {} : { label }),
    });
    committed = true;
    link.checkpoint(); // the last moment a cancellation is honoured
    meter.emit('completing');
    completeSent = true;
    await link.run(backupComplete.getApdu(headerHash(start.headerBytes)), (r) => backupComplete.parseResponse(r), false);
  } catch (e) {
    if ((await undo(link, vault, start, committed, completeSent)) !== 'completed') throw e;
  }
  await vault.confirmBackup(cardNumber, h.seq);
  const row = (await vault.getBackup(cardNumber, h.seq)) as BackupRow;
  meter.emit('done');
  return { cardNumber, seq: h.seq, kind: h.kind, row, pages: row.pagesCarried, apdus: link.wire.apdus, wireBytes: link.wire.bytes };
}

/**
 * Put card and vault back. If BACKUP COMPLETE went out and its answer was lost, the
 * card may or may not have completed: ask it (its chain head names the backup it
 * completed) and keep or drop the vault's copy to match; if the card cannot be asked,
 * the copy stays unconfirmed (invisible to `latest`) until the next flow reconciles.
 */
async function undo(link: CardLink, vault: Vault, start: BackupStart, committed: boolean, completeSent: boolean): Promise<'completed' | 'undone' | 'unknown'> {
  const h = start.header;
  if (completeSent) {
    let status: BackupStatus;
    try {
      status = await link.run(getBackupStatus.getApdu(), (r) => getBackupStatus.parseResponse(r), false);
    } catch {
      return 'unknown';
    }
    if (hex(status.chainHead) === hex(headerHash(start.headerBytes))) return 'completed';
  }
  if (committed) await vault.discardBackup(h.cardNumber, h.seq).catch(() => undefined);
  await link.tryRun(backupAbort.getApdu(), (r) => backupAbort.parseResponse(r));
  return 'undone';
}
