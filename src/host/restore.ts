/**
 * restore(): bring a point of a card's chain back onto the card in the reader, the
 * same card or (fig. 9) another card of the issuer with the issuer's authorisation.
 * Compacted (default): one RESTORE, then each page of the point once, from its newest
 * copy; the card checks the set against the header's page map before it writes.
 * Replay (claim 15): the full, then every diff in order, each its own RESTORE.
 * The card stages records in RAM and writes nothing before RESTORE COMPLETE, so a
 * cancelled or failed step ends with RESTORE ABORT and the card as it was.
 */
import {
  getApTable,
  getAuthorisationCounter,
  getBackupStatus,
  getCardCertificate,
  type ApTableEntryInfo,
  type BackupStatus,
  type RestoreTarget,
} from '../protocol/commands/index.ts';
import type { Transport } from '../protocol/transport.ts';
import { VaultError, type RestoreMode, type Vault } from '../vault/index.ts';
import { presentPin, readIdentity, readStatus } from './card.ts';
import { HostError, toHostError } from './errors.ts';
import type { RestoreAuthority } from './issuer-authority.ts';
import { CardLink } from './link.ts';
import { Meter, type ProgressListener } from './progress.ts';
import { planSteps, runStep, stepsOf, type Step, type StepSize } from './restore-step.ts';

export interface RestoreOptions {
  pin: string;
  /** The card whose backup is restored (the source). */
  card: string;
  /** The point: a seq of that card's chain in the vault. */
  seq: number;
  /** 'same' (default): the card in the reader is the source. 'other': a card of the same issuer. */
  target?: RestoreTarget;
  mode?: RestoreMode;
  /**
   * Who authorises a restore onto another card (fig. 9, docs/trust.md): the issuer service,
   * or the demo issuer. Asked once per RESTORE session, with this card's counter.
   */
  authority?: RestoreAuthority;
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
      const plan = planSteps(vault, await vault.restorePlan(opts.card, opts.seq, mode));
      const authorise = target === 'other' ? await authoriser(link, vault, opts) : undefined;
      meter.totalPages = plan.sizes.reduce((n, s) => n + s.pages, 0);
      meter.totalBytes = plan.sizes.reduce((n, s) => n + s.bytes, 0);
      meter.emit('verifying-pin');
      await presentPin(link, opts.pin);
      const date = opts.date ?? Date.now();
      let done = 0;
      try {
        for await (const step of stepsOf(plan)) {
          const authorisation = await authorise?.(step);
          await runStep(link, meter, step, { target, mode, authorisation, date });
          done++;
        }
      } catch (e) {
        throw stoppedAfter(e, done, plan.sizes);
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
        steps: plan.sizes.length,
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

/**
 * A replay step read from the vault when it was due and found missing or damaged: the
 * steps before it completed on the card, each a whole point of the chain, and the one
 * that failed was never started. Say which point the card now holds.
 */
function stoppedAfter(e: unknown, done: number, sizes: readonly StepSize[]): unknown {
  const last = sizes[done - 1];
  if (!(e instanceof VaultError) || !last) return e;
  const h = toHostError(e, 'restore');
  const msg = `restore stopped after step ${done} of ${sizes.length}: the card now holds seq ${last.seq}, a whole earlier point of the chain (a compacted restore needs only each page's newest copy and may still work). ${h.message}`;
  return new HostError(h.code, msg, { cause: e });
}

/**
 * For a restore onto another card: the issuer's authorisation of each step, for this card
 * (its certificate) and its authorisation counter as the card holds it right before the
 * step (each accepted authorisation moves it on by one).
 */
async function authoriser(link: CardLink, vault: Vault, opts: RestoreOptions): Promise<(step: Step) => Promise<Uint8Array>> {
  const authority = opts.authority;
  if (!authority) throw new HostError('NOT_AUTHORISED', `restoring card ${opts.card} onto another card needs the issuer's authorisation, and no issuer is connected`);
  const sourceCertificate = (await vault.getCard(opts.card))?.certificate;
  if (!sourceCertificate) throw new HostError('OLD_PROTOCOL', `the vault holds no certificate of card ${opts.card} (a protocol version 1 card): its backups cannot be restored into a version-2 card`);
  const targetCertificate = await link.run(getCardCertificate.getApdu(), (r) => getCardCertificate.parseResponse(r));
  return async (step) => {
    const targetCounter = await link.run(getAuthorisationCounter.getApdu(), (r) => getAuthorisationCounter.parseResponse(r));
    return authority.authoriseRestore({ sourceCertificate, targetCertificate, pointHeader: step.header, pointHeaderSignature: step.headerSignature, wrappedKey: step.wrappedKey, targetCounter });
  };
}
