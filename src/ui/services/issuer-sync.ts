/**
 * The off-device copy (patent fig. 21, docs/issuer.md): every backup committed to this
 * browser's vault is uploaded to the card's issuer, in chain order, through the upload
 * queue (retry with backoff, idempotent by content hash), and the timeline says where
 * each backup is. When the card proves itself (INTERNAL AUTHENTICATE over the service's
 * challenge) it is registered at first (the holder sees the recovery code once), and an
 * empty vault — a new laptop, a cleared profile — fills from the issuer's copy.
 *
 * An unreachable issuer is not an error of the backup: the backup stays on this device,
 * no mark is written, and it goes up at the next chance (a timed retry while the issuer
 * stays unreachable, another backup, the card read again). States: offline = the issuer
 * could not be reached (or asked to wait); refused = a refusal, `code` from
 * docs/issuer.md's refusals, or CARD_PROOF / NOT_UPLOADABLE / LOCAL from this side.
 */
import { IssuerRequestError, type CardProof, type IssuerClient, type IssuerSession, type RemoteBackup } from '../../host/issuer-client.ts';
import { UploadQueue, type UploadQueueOptions } from '../../host/issuer-queue.ts';
import type { CopyPlace, IssuerSyncState } from '../model.ts';
import type { CopyMark, CopyMarks } from './issuer-marks.ts';


/** This browser's copies, as the sync needs them (the vault through src/host in the app). */
export interface LocalCopies {
  /** Confirmed backups of the card on this device, ascending. */
  seqs(card: string): Promise<number[]>;
  /** Backup data v2 of one of them, as the card made it. */
  bytes(card: string, seq: number): Promise<Uint8Array>;
  /**
   * Store a copy fetched from the issuer (confirmed: the issuer keeps only completed,
   * signed backups); `cardCertificate`: of the card that made it, to check its signatures.
   */
  store(bytes: Uint8Array, cardCertificate: Uint8Array): Promise<void>;
}

export interface LinkResult {
  /** The card's recovery code when this was its first registration: show it once. */
  recoveryCode: string | null;
  /** Backups fetched from the issuer into this (empty) vault. */
  filled: number;
  /** The lost card this card replaces, when the issuer says so (its chain can be restored). */
  replaces: string | null;
}

export interface IssuerSyncOptions {
  client: IssuerClient;
  marks: CopyMarks;
  local: LocalCopies;
  /** The card in the reader proves itself (certificate + INTERNAL AUTHENTICATE). */
  proofFor(cardNumber: string): Promise<CardProof>;
  /** Queue tuning (tests inject sleep). */
  queue?: Omit<UploadQueueOptions, 'client' | 'proofFor'>;
  /**
   * After the issuer was unreachable, push the card's backups again after this long,
   * doubling up to `maxRetryMs` while it stays unreachable (default 30 s, 10 min).
   */
  retryMs?: number;
  maxRetryMs?: number;
  /** Injected for tests; default setTimeout / clearTimeout. */
  timer?: { set(fn: () => Promise<void>, ms: number): unknown; clear(handle: unknown): void };
}

/** What became of a card's backups not at the issuer yet. */
type PushOutcome = 'none' | 'stored' | 'offline' | 'refused';

export class IssuerSync {
  private readonly queue: UploadQueue;
  private readonly listeners = new Set<(s: IssuerSyncState) => void>();
  private current: IssuerSyncState = { kind: 'idle' };
  /** One push per card at a time; a push asked for while one runs runs once after it. */
  private readonly pushing = new Map<string, Promise<void>>();
  /** Per card: the retry waiting after the issuer was unreachable, and its delay. */
  private readonly retries = new Map<string, { handle: unknown; delay: number }>();
  private readonly timer: NonNullable<IssuerSyncOptions['timer']>;

  constructor(private readonly o: IssuerSyncOptions) {
    this.queue = new UploadQueue({ client: o.client, proofFor: o.proofFor, maxAttempts: 4, ...o.queue });
    this.timer = o.timer ?? { set: (fn, ms) => setTimeout(() => void fn(), ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  }

  /** Unreachable: try again later by itself (the backups wait here meanwhile); reached: stop trying. */
  private scheduleRetry(card: string, offline: boolean): void {
    const was = this.retries.get(card);
    if (was) this.timer.clear(was.handle);
    if (!offline) {
      this.retries.delete(card);
      return;
    }
    const delay = was ? Math.min(was.delay * 2, this.o.maxRetryMs ?? 600_000) : (this.o.retryMs ?? 30_000);
    const handle = this.timer.set(() => this.push(card), delay);
    this.retries.set(card, { handle, delay });
  }


  get state(): IssuerSyncState {
    return this.current;
  }

  onChange(listener: (s: IssuerSyncState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(s: IssuerSyncState): void {
    this.current = s;
    for (const l of this.listeners) l(s);
  }

  place(card: string, seq: number, onDevice: boolean): CopyPlace {
    const atIssuer = this.o.marks.has(card, seq);
    return onDevice ? (atIssuer ? 'both' : 'device') : 'issuer';
  }

  /** Backups of the card the issuer holds and this device does not (seq ascending). */
  issuerOnly(card: string, onDevice: ReadonlySet<number>): CopyMark[] {
    return this.o.marks
      .seqs(card)
      .filter((s) => !onDevice.has(s))
      .map((s) => this.o.marks.get(card, s) as CopyMark);
  }

  /** Upload every backup of the card on this device the issuer is not known to hold, oldest first. */
  /** Never rejects: what went wrong is the state (this runs in the background after a backup). */
  push(card: string): Promise<void> {
    const prev = this.pushing.get(card) ?? Promise.resolve();
    const next = prev.then(async () => {
      let outcome: PushOutcome;
      try {
        outcome = await this.pushNow(card);
      } catch (e) {
        // This device's side failed (the vault could not be read): named, tried again at the next chance.
        this.set({ kind: 'refused', code: 'LOCAL', message: e instanceof Error ? e.message : String(e) });
        outcome = 'refused';
      }
      this.scheduleRetry(card, outcome === 'offline');
    });
    this.pushing.set(
      card,
      next.catch(() => undefined),
    );
    return next;
  }

  /** What became of the card's backups not at the issuer yet. */
  private async pushNow(card: string): Promise<PushOutcome> {
    const pending = (await this.o.local.seqs(card)).filter((s) => !this.o.marks.has(card, s));
    if (pending.length === 0) return 'none';
    this.set({ kind: 'uploading', cardNumber: card });
    for (const seq of pending) {
      let bytes: Uint8Array;
      try {
        bytes = await this.o.local.bytes(card, seq);
      } catch (e) {
        this.set({ kind: 'refused', code: 'NOT_UPLOADABLE', message: e instanceof Error ? e.message : String(e) });
        return 'refused';
      }
      const r = await this.queue.enqueue(card, bytes);
      if (r.state === 'refused') {
        // The chain goes up in order: the rest waits for this one.
        if (r.error.transient) {
          this.set({ kind: 'offline', message: r.error.message });
          return 'offline';
        }
        this.set({ kind: 'refused', code: r.error.code, message: r.error.message });
        return 'refused';
      }
      await this.o.marks.put([markOf(card, r.outcome)]);
    }
    this.set({ kind: 'idle' });
    return 'stored';
  }

  /** The card's session with the service (it proves itself if it has none yet). */
  session(card: string): Promise<IssuerSession> {
    return this.queue.session(card);
  }

  /**
   * The card in the reader proves itself: registered if new (its recovery code returned,
   * once), its own chain fetched into an empty vault, what is here and not there pushed.
   * A replacement card's session also reads the chain of the card it replaces: that
   * chain is fetched too when this device holds none of it.
   */
  async link(card: string): Promise<LinkResult> {
    let session: IssuerSession;
    try {
      session = await this.queue.session(card);
      const { certificate } = await this.o.proofFor(card);
      const status = await this.o.client.cardStatus(session);
      const recoveryCode = status.registered ? null : await this.o.client.register(session);
      let filled = await this.fill(card, certificate, (await this.o.client.listBackups(session)).backups, (seq) => this.o.client.fetchBackup(session, seq));
      if (status.replaces) {
        const old = await this.o.client.listReplaced(session);
        filled += await this.fill(old.cardNumber, old.certificate, old.backups, (seq) => this.o.client.fetchReplaced(session, seq));
      }
      this.set({ kind: 'idle' });
      await this.push(card);
      return { recoveryCode, filled, replaces: status.replaces };
    } catch (e) {
      // Not the service's answer: the card could not prove itself (no certificate, or it would not sign).
      const err = e instanceof IssuerRequestError ? e : new IssuerRequestError('CARD_PROOF', 0, e instanceof Error ? e.message : String(e), { cause: e, transient: false });
      this.set(err.transient ? { kind: 'offline', message: err.message } : { kind: 'refused', code: err.code, message: err.message });
      throw err;
    }
  }

  /** Mark what the issuer holds; when this device holds none of the card's chain, fetch it all. */
  private async fill(card: string, certificate: Uint8Array, remote: readonly RemoteBackup[], fetchOne: (seq: number) => Promise<Uint8Array>): Promise<number> {
    await this.o.marks.put(remote.map((b) => markOf(card, b)));
    if (remote.length === 0 || (await this.o.local.seqs(card)).length > 0) return 0;
    const ordered = [...remote].sort((a, b) => a.seq - b.seq);
    for (const b of ordered) await this.o.local.store(await fetchOne(b.seq), certificate);
    return ordered.length;
  }
}

const markOf = (card: string, b: RemoteBackup): CopyMark => ({ cardNumber: card, seq: b.seq, blobHash: b.blobHash, at: Date.now(), kind: b.kind, date: b.date, size: b.size });
