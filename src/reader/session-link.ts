/**
 * The link of a reader session (session.ts): one open reader (a CCID reader, real or
 * simulated: the same driver; or a reader of the PC/SC bridge) and the card session in it.
 * Card operations run one at a time (a SELECT and the READ after it must not interleave
 * with another flow's), and the session is (re)opened lazily after a card change.
 */
import type { Transport } from '../protocol/transport.ts';
import { isReaderError } from './errors.ts';
import { Mutex } from './mutex.ts';

/** What happens to the card in a reader: inserted, removed, or the reader itself gone. */
export type CardEvent = { type: 'inserted' } | { type: 'removed' } | { type: 'reader-lost' };

/** The transmission protocol a card session runs (ISO/IEC 7816-3), as the cardholder sees it named. */
export type LinkProtocol = 'T=0' | 'T=1';

/** What ReaderLink needs of a reader: open a card session, card events, close. */
export interface CardSource {
  openCard(): Promise<Transport>;
  /** The protocol of the card session openCard last opened, where the reader says (the PC/SC bridge does not). */
  protocol?(): LinkProtocol | null;
  /**
   * Card inserted/removed, the reader (or the bridge) gone, or `null`: the card session
   * is lost without an event to show. Returns the unsubscribe function.
   */
  onChange(listener: (e: CardEvent | null) => void): () => void;
  close(): Promise<void>;
}

export class ReaderLink {
  private transport: Transport | null = null;
  private readonly mutex = new Mutex();
  private readonly listeners = new Set<(e: CardEvent) => void>();
  private readonly stopWatching: () => void;
  private lost = false;

  constructor(readonly reader: CardSource) {
    this.stopWatching = reader.onChange((e) => {
      this.transport = null;
      if (e) this.emit(e);
    });
  }

  emit(e: CardEvent): void {
    if (e.type === 'reader-lost') {
      if (this.lost) return;
      this.lost = true;
    }
    for (const l of this.listeners) l(e);
  }

  onEvent(listener: (e: CardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forget the card session (the card was swapped): the next use powers the card on again. */
  resetSession(): void {
    this.transport = null;
  }

  /** Run `fn` alone on the card, with a session opened if needed. */
  withCard<T>(fn: (t: Transport) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      try {
        this.transport ??= await this.reader.openCard();
        return await fn(this.transport);
      } catch (e) {
        if (isReaderError(e)) this.transport = null;
        if (isReaderError(e, 'DEVICE_GONE')) this.emit({ type: 'reader-lost' });
        throw e;
      }
    });
  }

  /** The protocol the open card session runs; null with no session open or when the reader does not say. */
  protocol(): LinkProtocol | null {
    return this.transport ? (this.reader.protocol?.() ?? null) : null;
  }

  /** Whether a card answers in the reader now. */
  async cardPresent(): Promise<boolean> {
    try {
      await this.withCard(() => Promise.resolve());
      return true;
    } catch (e) {
      if (isReaderError(e, 'NO_CARD') || isReaderError(e, 'CARD_REMOVED')) return false;
      throw e;
    }
  }

  async close(): Promise<void> {
    this.stopWatching();
    this.listeners.clear();
    await this.reader.close();
  }
}
