/**
 * The off-device copy: after each backup is stored in the browser's vault, the app hands
 * it here and the queue uploads it to the issuer, one card's backups in chain order,
 * retrying what may succeed later (not reached, 429, 5xx) with exponential backoff and
 * full jitter, and logging in again when the session ran out. Uploads are idempotent by
 * content, so a retry after a lost answer is answered "already stored".
 */
import { IssuerRequestError, type CardProof, type IssuerClient, type IssuerSession, type UploadOutcome } from './issuer-client.ts';

export type UploadState = { state: 'stored'; outcome: UploadOutcome } | { state: 'refused'; error: IssuerRequestError };

export interface UploadQueueOptions {
  client: IssuerClient;
  /** How to prove a card (its certificate and a way to have it sign) when a session is needed. */
  proofFor(cardNumber: string): Promise<CardProof>;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class UploadQueue {
  private readonly sessions = new Map<string, IssuerSession>();
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly o: Required<UploadQueueOptions>;

  constructor(options: UploadQueueOptions) {
    this.o = {
      maxAttempts: 6,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      random: Math.random,
      ...options,
    };
  }

  /** Queues one backup of a card; resolves when the issuer holds it or refused it. */
  enqueue(cardNumber: string, backupData: Uint8Array): Promise<UploadState> {
    const prev = this.tails.get(cardNumber) ?? Promise.resolve();
    const next = prev.then(() => this.upload(cardNumber, backupData));
    this.tails.set(
      cardNumber,
      next.catch(() => undefined),
    );
    return next;
  }

  /** A session for the card: the one held while it lasts, else a new login (the card signs). */
  async session(cardNumber: string, fresh = false): Promise<IssuerSession> {
    const known = this.sessions.get(cardNumber);
    if (known && !fresh && known.expiresAt > Date.now() + 5_000) return known;
    const s = await this.o.client.login(await this.o.proofFor(cardNumber));
    this.sessions.set(cardNumber, s);
    return s;
  }

  private async upload(cardNumber: string, data: Uint8Array): Promise<UploadState> {
    let relogged = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const s = await this.session(cardNumber, false);
        return { state: 'stored', outcome: await this.o.client.uploadBackup(s, data) };
      } catch (e) {
        // Anything but the service's answer comes from proving the card (proofFor): the card
        // cannot sign or has no certificate. Trying again does not change that.
        const err = e instanceof IssuerRequestError ? e : new IssuerRequestError('CARD_PROOF', 0, e instanceof Error ? e.message : String(e), { cause: e, transient: false });
        if (err.status === 401 && !relogged) {
          relogged = true;
          this.sessions.delete(cardNumber);
          attempt--;
          continue;
        }
        if (!err.transient || attempt >= this.o.maxAttempts) return { state: 'refused', error: err };
        const cap = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
        await this.o.sleep(Math.floor(this.o.random() * cap));
      }
    }
  }
}
