/**
 * The readers a ReaderLink can hold: a CCID reader (WebUSB, or demo mode's simulated USB
 * reader), a reader of the local PC/SC bridge (docs/bridge.md), and a reader of the Web
 * Smart Card API (navigator.smartCard, where the browser has it: src/reader/smart-card).
 */
import type { CcidReader } from './ccid/reader.ts';
import { BridgeError, connectBridge, type BridgeConnection, type BridgeEvent, type BridgeOptions } from './bridge-transport.ts';
import { connectCard } from './webusb.ts';
import type { CardEvent, CardSource, LinkProtocol } from './session-link.ts';
import type { SlotSession } from './ccid/slot.ts';
import { openSmartCardReader, type SmartCardResourceManager, type SmartCardSession } from './smart-card/index.ts';

export function ccidSource(reader: CcidReader): CardSource {
  let slot: SlotSession | null = null;
  return {
    openCard: async () => {
      const c = await connectCard(reader);
      slot = c.session;
      return c.transport;
    },
    protocol: (): LinkProtocol | null => (slot ? (slot.protocol === 1 ? 'T=1' : 'T=0') : null),
    onChange: (listener) =>
      reader.watcher.onChange((e) => listener(e.type === 'inserted' || e.type === 'removed' ? { type: e.type } : null)),
    close: () => reader.close(),
  };
}

export interface BridgeSource extends CardSource {
  /** The bridge's reader this source uses (the first one listed). */
  readonly name: string;
  /** The token the bridge gave when it paired by code and remembers this origin: keep it (BridgeOptions.pairingToken). */
  readonly pairingToken: string | undefined;
}

/**
 * Pairs with the bridge (by code, or by a remembered token) and picks its reader: the
 * first with a card, else the first one listed (the card can come later). Fails with the
 * BridgeError of connectBridge. A string is the pairing code alone.
 */
export async function openBridgeSource(pairing: string | BridgeOptions, url?: string): Promise<BridgeSource> {
  const base: BridgeOptions = typeof pairing === 'string' ? { pairingCode: pairing } : pairing;
  const conn: BridgeConnection = await connectBridge(url === undefined ? base : { ...base, url });
  const pick = conn.readers.find((r) => r.cardPresent && !r.busy) ?? conn.readers[0];
  if (!pick) {
    await conn.close();
    throw new BridgeError('NOT_A_READER', 'NO_SUCH_READER', 'the PC/SC bridge lists no reader');
  }
  const name = pick.name;
  let connected = false;
  return {
    name,
    pairingToken: conn.pairingToken,
    openCard: async () => {
      const { transport } = await conn.connectCard(name);
      connected = true;
      return transport;
    },
    onChange: (listener) =>
      conn.onEvent((e) => {
        const ev = eventOf(e, name);
        if (!ev) return;
        if (ev.type !== 'inserted') connected = false;
        listener(ev);
      }),
    close: async () => {
      if (connected) await conn.disconnectCard().catch(() => undefined);
      await conn.close();
    },
  };
}

/** What a bridge event means for the card in reader `name` (undefined: nothing). */
function eventOf(e: BridgeEvent, name: string): CardEvent | undefined {
  if (e.type === 'closed') return { type: 'reader-lost' };
  if (e.reader !== name) return undefined;
  if (e.type === 'card-inserted') return { type: 'inserted' };
  if (e.type === 'card-removed') return { type: 'removed' };
  if (e.type === 'reader-removed') return { type: 'reader-lost' };
  return undefined;
}

/**
 * A reader of the Web Smart Card API as a CardSource. Each openCard connects exclusive
 * (source.ts: no other program reaches the card between the steps of a backup); the card
 * leaving ends that session and is told as 'removed'; with a named `reader`, PC/SC's
 * status changes are then watched until a card is back ('inserted') or the reader goes
 * ('reader-lost'). `reader` unset: the first reader with a card. Errors are the
 * ReaderErrors of smart-card/errors.ts (plain words).
 */
export function smartCardSource(api: SmartCardResourceManager, reader?: string): CardSource {
  let session: SmartCardSession | null = null;
  const listeners = new Set<(e: CardEvent | null) => void>();
  let watching: AbortController | null = null;
  const tell = (e: CardEvent) => {
    for (const l of listeners) l(e);
  };
  const stopWatching = () => {
    watching?.abort();
    watching = null;
  };
  /** After a removal: wait (getStatusChange) for a card in `reader` again. */
  const watchForCard = (name: string) => {
    stopWatching();
    const stop = new AbortController();
    watching = stop;
    void (async () => {
      try {
        const ctx = await api.establishContext();
        let [s] = await ctx.getStatusChange([{ readerName: name, currentState: { unaware: true } }], { timeout: 0 });
        while (s && !stop.signal.aborted && !(s.eventState.present && !s.eventState.mute)) {
          if (s.eventState.unavailable || s.eventState.unknown) return tell({ type: 'reader-lost' });
          [s] = await ctx.getStatusChange([{ readerName: name, currentState: s.eventState, currentCount: s.eventCount }], { signal: stop.signal });
        }
        if (s && !stop.signal.aborted) tell({ type: 'inserted' });
      } catch {
        // Stopped on purpose, or the service went: the next openCard says which.
      }
    })();
  };
  return {
    openCard: async () => {
      stopWatching();
      if (session) await session.disconnect().catch(() => undefined);
      const s = await openSmartCardReader(api, reader === undefined ? {} : { reader });
      session = s;
      void s.removed.then(() => {
        if (session !== s) return;
        session = null;
        // PC/SC keeps the dead handle (and its exclusive hold) until it is disconnected.
        void s.disconnect().catch(() => undefined);
        tell({ type: 'removed' });
        if (reader !== undefined) watchForCard(reader);
      });
      return s.transport;
    },
    protocol: () => session?.protocol ?? null,
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      stopWatching();
      const s = session;
      session = null;
      if (s) await s.disconnect();
    },
  };
}
