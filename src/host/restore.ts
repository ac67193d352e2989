/**
 * restore(): bring a point of a card's chain back onto the card in the reader, the
 * same card or (fig. 9) another card of the issuer with the issuer's authorisation.
 * Compacted (default): one RESTORE, then each page of the point once, from its newest
 * copy; the card checks the set against the header's page map before it writes.
 * Replay (claim 15): the full, then every diff in order, each its own RESTORE.
 * The card stages records in RAM and writes nothing before RESTORE COMPLETE, so a
 * cancelled or failed step ends with RESTORE ABORT and the card as it was.
 */
import { headerHash } from '../protocol/backup-format.ts';
import { getApTable, getBackupStatus, type ApTableEntryInfo, type BackupStatus, type RestoreTarget } from '../protocol/commands/index.ts';
import type { Transport } from '../protocol/transport.ts';
import type { RestoreMode, Vault } from '../vault/index.ts';
import { presentPin, readIdentity, readStatus } from './card.ts';
import { HostError, toHostError } from './errors.ts';
import { CardLink } from './link.ts';
import { Meter, type ProgressListener } from './progress.ts';
import { planSteps, runStep, type Step } from './restore-step.ts';

export type Authorise = (sourceCard: string, targetCard: string, pointHash: Uint8Array) => Promise<Uint8Array>;

export interface RestoreOptions {
  pin: string;
  /** The card whose backup is restored (the source). */
  card: string;
  /** The point: a seq of that card's chain in the vault. */
  seq: number;
  /** 'same' (default): the card in the reader is the source. 'other': a card of the same issuer. */
  target?: RestoreTarget;
  mode?: RestoreMode;
  /** The issuer's signed authorisation for (source, target, header hash); needed for another card. */
  authorise?: Authorise;
  /** Recorded in the card's load history (the card has no clock). Default: now. */
  date?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  now?: () => number;
}

export interface RestoreResult {
  sourceCard: string;
  targetCard: string;
  seq: number;
  mode: RestoreMode;
  /** RESTORE sessions run: 1 compacted, the chain length replayed. */
  steps: number;
  pages: number;
  apdus: number;
  wireBytes: number;
  /** The card's AP table afterwards, and the applications it flagged restore-executed (fig. 19, 181/174). */
  apTable: ApTableEntryInfo[];
  flagged: ApTableEntryInfo[];
  status: BackupStatus;
}

function checkTarget(source: string, inReader: string, target: RestoreTarget): void {
  if (target === 'same' && inReader !== source)
    throw new HostError('WRONG_CARD', `the card in the reader is ${inReader}, not ${source}: insert card ${source}, or restore onto this card as another card`);
  if (target === 'other' && inReader === source) throw new HostError('WRONG_CARD', `the card in the reader is ${source} itself: restore it as the same card`);
}

export async function restore(transport: Transport, vault: Vault, opts: RestoreOptions): Promise<RestoreResult> {
  const target = opts.target ?? 'same';
  const mode = opts.mode ?? 'compacted';
  const link = new CardLink(transport, opts.signal);
  const meter = new Meter(link.wire, opts.onProgress, opts.now);
  try {
    meter.emit('reading-card');
    const id = await readIdentity(link);
    checkTarget(opts.card, id.cardNumber, target);
    return await vault.withCardLock(id.cardNumber, async () => {
      // Also ends a backup session a failed flow left open: RESTORE refuses during one.
      await readStatus(link);
      meter.emit('planning');
      const steps = planSteps(await vault.restorePlan(opts.card, opts.seq, mode));
      meter.totalPages = steps.reduce((n, s) => n + s.pages, 0);
      meter.totalBytes = steps.reduce((n, s) => n + s.bytes, 0);
      meter.emit('verifying-pin');
      await presentPin(link, opts.pin);
      const date = opts.date ?? Date.now();
      for (const step of steps) {
        const authorisation = await authorisationFor(opts, target, id.cardNumber, step);
        await runStep(link, meter, step, { target, mode, authorisation, date });
      }
      meter.emit('reading-result');
      const apTable = await link.run(getApTable.getApdu(), (r) => getApTable.parseResponse(r), false);
      const status = await link.run(getBackupStatus.getApdu(), (r) => getBackupStatus.parseResponse(r), false);
      meter.emit('done');
      return {
        sourceCard: opts.card,
        targetCard: id.cardNumber,
        seq: opts.seq,
        mode,
        steps: steps.length,
        pages: meter.pages,
        apdus: link.wire.apdus,
        wireBytes: link.wire.bytes,
        apTable,
        flagged: apTable.filter((a) => a.restoreExecuted),
        status,
      };
    });
  } catch (e) {
    throw toHostError(e, 'restore');
  }
}

async function authorisationFor(opts: RestoreOptions, target: RestoreTarget, targetCard: string, step: Step): Promise<Uint8Array | undefined> {
  // Without a callback, a card that imported the source's key (claim 8) may still accept.
  if (target !== 'other' || !opts.authorise) return undefined;
  return opts.authorise(opts.card, targetCard, headerHash(step.header));
}
