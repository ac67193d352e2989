/**
 * The Web Smart Card API (navigator.smartCard) as one more reader source behind the same
 * Transport as WebUSB and the PC/SC bridge. PC/SC level, as the API is: establish a
 * context, list the readers, read their state with getStatusChange (waiting for a card
 * when asked), connect EXCLUSIVE (no other program can send the card anything between
 * the steps of a backup or restore), transmit, disconnect with a reset so the next user
 * starts with the PIN unverified (as the bridge does, docs/bridge.md). Errors become
 * ReaderErrors through errors.ts.
 */
import type { Transport, TransportLimits } from '../../protocol/transport.ts';
import { limitsFromAtr } from '../bridge-transport.ts';
import type { LinkProtocol } from '../session-link.ts';
import { ReaderError } from '../errors.ts';
import { withIsoWrappers } from '../wrappers/index.ts';
import type { SmartCardConnection, SmartCardContext, SmartCardReaderStateOut, SmartCardResourceManager } from './api.ts';
import { fromSmartCardError } from './errors.ts';

export interface SmartCardReaderInfo {
  name: string;
  cardPresent: boolean;
  /** Another program holds the card exclusively. */
  busy: boolean;
}

export interface SmartCardSession {
  readonly reader: string;
  readonly atr: Uint8Array;
  readonly transport: Transport;
  /** The protocol PC/SC connected with (activeProtocol); null for 'raw' or when the browser does not say. */
  readonly protocol: LinkProtocol | null;
  /** Resolves when the card leaves this reader or the reader goes (then the session is over). */
  readonly removed: Promise<void>;
  /** Releases the card (SCARD_RESET_CARD) and stops watching. */
  disconnect(): Promise<void>;
}

export interface OpenOptions {
  /** A reader name from listSmartCardReaders; default the first reader with a card. */
  reader?: string;
  /** Wait this long for a card when none is in (default 0: fail with NO_CARD at once). */
  waitForCardMs?: number;
  signal?: AbortSignal;
}

const buf = (b: ArrayBuffer | undefined) => (b ? new Uint8Array(b.slice(0)) : new Uint8Array(0));
const info = (s: SmartCardReaderStateOut): SmartCardReaderInfo => ({
  name: s.readerName,
  cardPresent: !!s.eventState.present && !s.eventState.mute,
  busy: !!s.eventState.exclusive,
});

async function call<T>(during: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw fromSmartCardError(e, during);
  }
}

async function states(ctx: SmartCardContext): Promise<SmartCardReaderStateOut[]> {
  const names = await call('listReaders', () => ctx.listReaders());
  if (names.length === 0) return [];
  // 'unaware' with timeout 0: PC/SC answers with the current state at once.
  return call('getStatusChange', () => ctx.getStatusChange(names.map((readerName) => ({ readerName, currentState: { unaware: true } })), { timeout: 0 }));
}

export async function listSmartCardReaders(api: SmartCardResourceManager): Promise<SmartCardReaderInfo[]> {
  const ctx = await call('establishContext', () => api.establishContext());
  return (await states(ctx)).map(info);
}

/**
 * Follows the listed readers as PC/SC's status changes (a card put in or taken out,
 * another program taking the card, a reader unplugged): `onChange` gets the readers each
 * time one changes, until `signal` aborts (then it resolves). Only the readers listed at
 * the start are followed: one plugged in later shows when the list is read again.
 * Fails with the ReaderError of the call that failed.
 */
export async function watchSmartCardReaders(api: SmartCardResourceManager, onChange: (readers: SmartCardReaderInfo[]) => void, signal: AbortSignal): Promise<void> {
  const ctx = await call('establishContext', () => api.establishContext());
  let last = await states(ctx);
  while (!signal.aborted && last.length > 0) {
    try {
      last = await ctx.getStatusChange(
        last.map((s) => ({ readerName: s.readerName, currentState: s.eventState, currentCount: s.eventCount })),
        { signal },
      );
    } catch (e) {
      if (signal.aborted) return;
      throw fromSmartCardError(e, 'getStatusChange');
    }
    if (!signal.aborted) onChange(last.map(info));
  }
}

export async function openSmartCardReader(api: SmartCardResourceManager, options: OpenOptions = {}): Promise<SmartCardSession> {
  const ctx = await call('establishContext', () => api.establishContext());
  let all = await states(ctx);
  if (all.length === 0) throw new ReaderError('DEVICE_GONE', 'listReaders: no smart-card reader is connected');
  if (options.reader !== undefined && !all.some((s) => s.readerName === options.reader))
    throw new ReaderError('DEVICE_GONE', `listReaders: no reader named "${options.reader}"`);
  const candidates = () => all.filter((s) => (options.reader === undefined || s.readerName === options.reader) && info(s).cardPresent);
  const deadline = Date.now() + (options.waitForCardMs ?? 0);
  while (candidates().length === 0) {
    const left = deadline - Date.now();
    if (left <= 0) throw new ReaderError('NO_CARD', options.reader ? `no card in "${options.reader}"` : 'no card in any reader');
    const watched = all.filter((s) => options.reader === undefined || s.readerName === options.reader);
    try {
      all = await ctx.getStatusChange(
        watched.map((s) => ({ readerName: s.readerName, currentState: s.eventState, currentCount: s.eventCount })),
        { timeout: left, ...(options.signal ? { signal: options.signal } : {}) },
      );
    } catch (e) {
      // The wait ran out (a TimeoutError DOMException, or SCARD_E_TIMEOUT as a responseCode): no card came.
      const t = e as { name?: unknown; responseCode?: unknown } | null;
      if (t?.name === 'TimeoutError' || t?.responseCode === 'timeout') throw new ReaderError('NO_CARD', `no card came within ${options.waitForCardMs ?? 0} ms`, { cause: e });
      throw fromSmartCardError(e, 'getStatusChange');
    }
  }
  const target = candidates()[0] as SmartCardReaderStateOut;
  const { connection, activeProtocol } = await call(`connect "${target.readerName}"`, () => ctx.connect(target.readerName, 'exclusive', { preferredProtocols: ['t1', 't0'] }));
  let atr = buf(target.answerToReset);
  if (atr.length === 0) atr = buf((await call('status', () => connection.status())).answerToReset);

  // Watch the reader until the card leaves; abort the watch on disconnect.
  const stop = new AbortController();
  const removed = (async () => {
    let last = target;
    for (;;) {
      let next: SmartCardReaderStateOut[];
      try {
        next = await ctx.getStatusChange([{ readerName: last.readerName, currentState: last.eventState, currentCount: last.eventCount }], { signal: stop.signal });
      } catch {
        // Disconnected on purpose: never "removed". Otherwise the reader or the service went.
        if (stop.signal.aborted) return new Promise<void>(() => {});
        return;
      }
      const s = next[0];
      if (!s || s.eventState.unavailable || s.eventState.empty || !s.eventState.present) return;
      last = s;
    }
  })();

  let open = true;
  let gone = false;
  void removed.then(() => (gone = true));
  return {
    reader: target.readerName,
    atr,
    protocol: activeProtocol === 't1' ? 'T=1' : activeProtocol === 't0' ? 'T=0' : null,
    transport: withIsoWrappers(new SmartCardLink(connection, limitsFromAtr(atr), () => (gone ? 'removed' : open ? 'open' : 'closed'))),
    removed,
    async disconnect() {
      if (!open) return;
      open = false;
      stop.abort();
      await call('disconnect', () => connection.disconnect('reset'));
    },
  };
}

/** The raw link: one APDU per SmartCardConnection.transmit. withIsoWrappers goes around it. */
class SmartCardLink implements Transport {
  constructor(
    private readonly connection: SmartCardConnection,
    readonly limits: TransportLimits,
    private readonly state: () => 'open' | 'closed' | 'removed',
  ) {}

  async transmit(apdu: Uint8Array, options?: { signal?: AbortSignal }): Promise<Uint8Array> {
    if (options?.signal?.aborted) throw new ReaderError('ABORTED');
    const state = this.state();
    // After PC/SC reported the card gone the handle is dead, whatever the API would say.
    if (state === 'removed') throw new ReaderError('CARD_REMOVED', 'transmit: the card left the reader');
    if (state === 'closed') throw new ReaderError('PROTOCOL_ERROR', 'transmit after disconnect');
    const answer = new Uint8Array(await call('transmit', () => this.connection.transmit(apdu.slice())));
    // An answer without SW1 SW2 is no answer (pcsclite gives one when the card leaves mid-exchange).
    if (answer.length < 2) throw new ReaderError('CARD_REMOVED', `transmit: the reader answered ${answer.length} bytes, no status word`);
    return answer;
  }
}
