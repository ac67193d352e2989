/**
 * The PC/SC bridge as one more reader source beside WebUSB: a browser WebSocket to
 * `npm run bridge` on 127.0.0.1 (docs/bridge.md), and a Transport over it. No DOM
 * beyond WebSocket; tests pass a WebSocket implementation of their own.
 *
 *   const bridge = await connectBridge({ pairingCode: '123456' });
 *   const { transport } = await bridge.connectCard();   // first reader with a card
 *   await transport.transmit(apdu);
 *   bridge.onEvent((e) => ...);                          // card-inserted / card-removed / ...
 *   await bridge.close();
 */
import {
  BRIDGE_DEFAULT_PORT,
  BRIDGE_PROTOCOL_VERSION,
  decodeServerFrame,
  encodeClientFrame,
  type BridgeErrorCode,
  type ClientFrame,
  type ReaderInfo,
  type ServerFrame,
} from '../protocol/bridge-frames.ts';
import { parseAtr } from '../protocol/atr.ts';
import type { Transport, TransportLimits } from '../protocol/transport.ts';
import { ReaderError, type ReaderErrorCode } from './errors.ts';
import { apduLimits, SHORT_LIMITS } from './session-limits.ts';
import { withIsoWrappers } from './wrappers/index.ts';

export const DEFAULT_BRIDGE_URL = `ws://127.0.0.1:${BRIDGE_DEFAULT_PORT}/`;

/**
 * The bridge's URL for a port the cardholder chose (`icvault-bridge --port N`); the
 * bridge listens on 127.0.0.1 only, so only the port is a setting.
 */
export function bridgeUrlForPort(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bridge port must be a whole number from 1 to 65535, not ${String(port)}`);
  return `ws://127.0.0.1:${port}/`;
}

/** The part of the browser's WebSocket this module uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'close', listener: (ev: { code: number; reason: string }) => void): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
}

export interface BridgeOptions {
  url?: string;
  /** The 6 digits the bridge printed (first pairing of this page's origin). */
  pairingCode?: string;
  /**
   * The token a previous welcome gave (BridgeConnection.pairingToken), kept by the app:
   * a bridge that remembers this origin accepts it without the code (docs/bridge.md).
   */
  pairingToken?: string;
  /** Default: `new WebSocket(url)`. */
  createSocket?: (url: string) => WebSocketLike;
  /** Bound on each wait for the bridge (open, hello, one APDU). Default 60 s. */
  timeoutMs?: number;
}

export type BridgeEvent =
  | { type: 'card-inserted'; reader: string; atr: Uint8Array }
  | { type: 'card-removed' | 'reader-added' | 'reader-removed'; reader: string }
  | { type: 'closed'; code: number; reason: string };

/** A ReaderError whose message tells the cardholder what to do about the bridge. */
export class BridgeError extends ReaderError {
  readonly bridgeCode: BridgeErrorCode | 'NOT_RUNNING' | 'CLOSED';
  constructor(code: ReaderErrorCode, bridgeCode: BridgeError['bridgeCode'], advice: string, options?: { cause?: unknown }) {
    super(code, advice, options);
    this.name = 'BridgeError';
    this.bridgeCode = bridgeCode;
    this.message = advice;
  }
}

const READER_CODE: Record<BridgeErrorCode, ReaderErrorCode> = {
  BAD_ORIGIN: 'ACCESS_DENIED',
  PAIRING_REQUIRED: 'ACCESS_DENIED',
  BAD_PAIRING: 'ACCESS_DENIED',
  MALFORMED: 'PROTOCOL_ERROR',
  UNSUPPORTED_VERSION: 'UNSUPPORTED',
  NO_SUCH_READER: 'DEVICE_GONE',
  READER_BUSY: 'INTERFACE_BUSY',
  NO_CARD: 'NO_CARD',
  NOT_CONNECTED: 'PROTOCOL_ERROR',
  CARD_REMOVED: 'CARD_REMOVED',
  PCSC_ERROR: 'READER_FAILED',
};

export function bridgeNotRunning(url: string, cause?: unknown): BridgeError {
  return new BridgeError(
    'DEVICE_GONE',
    'NOT_RUNNING',
    `The PC/SC bridge is not running at ${url}, or it refused this page. Start it on this computer with "npm run bridge" (docs/bridge.md), check that it lists this page's address among its origins, and try again.`,
    cause === undefined ? undefined : { cause },
  );
}

export function fromBridgeError(code: BridgeErrorCode, message: string): BridgeError {
  const advice =
    code === 'BAD_PAIRING' || code === 'PAIRING_REQUIRED'
      ? `The bridge refused the pairing code. Type the 6 digits shown in the bridge's window. (${message})`
      : code === 'READER_BUSY'
        ? `Another page or program is using this reader. Close it there, then try again. (${message})`
        : `PC/SC bridge: ${message}`;
  return new BridgeError(READER_CODE[code] ?? 'PROTOCOL_ERROR', code, advice);
}

type WithoutId<T> = T extends { id: number } ? Omit<T, 'id'> : never;
type Request = WithoutId<ClientFrame>;

type Pending = { resolve: (f: ServerFrame) => void; reject: (e: Error) => void };

export class BridgeConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: BridgeEvent) => void>();
  private closedWith: Error | undefined;
  readers: ReaderInfo[] = [];
  /** Set when this connection paired by code and the bridge remembers the origin: keep it for next time. */
  pairingToken: string | undefined;

  constructor(
    private readonly ws: WebSocketLike,
    readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  onEvent(listener: (e: BridgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feeds one frame from the socket (wired by connectBridge). */
  handleFrame(f: ServerFrame): void {
    if ('id' in f && f.id !== undefined && this.pending.has(f.id)) {
      const p = this.pending.get(f.id);
      this.pending.delete(f.id);
      if (f.type === 'error') p?.reject(fromBridgeError(f.code, f.message));
      else p?.resolve(f);
      return;
    }
    switch (f.type) {
      case 'error':
        this.closedWith = fromBridgeError(f.code, f.message);
        return;
      case 'card-inserted':
      case 'card-removed':
      case 'reader-added':
      case 'reader-removed':
        this.updateReaders(f);
        for (const l of this.listeners) l(f);
        return;
      default:
        return;
    }
  }

  private updateReaders(f: BridgeEvent): void {
    if (f.type === 'reader-added' && !this.readers.some((r) => r.name === f.reader)) this.readers.push({ name: f.reader, cardPresent: false, busy: false });
    if (f.type === 'reader-removed') this.readers = this.readers.filter((r) => r.name !== f.reader);
    if (f.type === 'card-inserted' || f.type === 'card-removed')
      this.readers = this.readers.map((r) => (r.name === f.reader ? { ...r, cardPresent: f.type === 'card-inserted' } : r));
  }

  /** The socket closed: every waiting request fails with the reason. */
  handleClose(code: number, reason: string): void {
    const err = this.closedWith ?? new BridgeError('DEVICE_GONE', 'CLOSED', `The PC/SC bridge closed the connection (${code}${reason ? ` ${reason}` : ''}). Start it again with "npm run bridge" if it stopped.`);
    this.closedWith = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const l of this.listeners) l({ type: 'closed', code, reason });
  }

  request(frame: Request, signal?: AbortSignal): Promise<ServerFrame> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (signal?.aborted) return Promise.reject(new ReaderError('ABORTED'));
    const id = this.nextId++;
    return new Promise<ServerFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ReaderError('TIMEOUT', `no answer from the PC/SC bridge in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const onAbort = () => {
        // The APDU may already be at the card: the answer, when it comes, is dropped.
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new ReaderError('ABORTED'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, {
        resolve: (f) => (done(), resolve(f)),
        reject: (e) => (done(), reject(e)),
      });
      this.ws.send(encodeClientFrame({ ...frame, id } as ClientFrame));
    });
  }

  async listReaders(): Promise<ReaderInfo[]> {
    const f = await this.request({ type: 'list' });
    if (f.type !== 'readers') throw new ReaderError('PROTOCOL_ERROR', `bridge answered ${f.type} to list`);
    this.readers = f.readers;
    return f.readers;
  }

  /** Connects (exclusively) to `reader`, or to the first reader with a card. */
  async connectCard(reader?: string, signal?: AbortSignal): Promise<{ transport: Transport; reader: string; atr: Uint8Array }> {
    const name = reader ?? (await this.listReaders()).find((r) => r.cardPresent && !r.busy)?.name;
    if (name === undefined) throw new ReaderError('NO_CARD', 'no reader of the bridge holds a card');
    const f = await this.request({ type: 'connect', reader: name }, signal);
    if (f.type !== 'connected') throw new ReaderError('PROTOCOL_ERROR', `bridge answered ${f.type} to connect`);
    return { transport: withIsoWrappers(new BridgeLink(this, limitsFromAtr(f.atr))), reader: name, atr: f.atr };
  }

  async disconnectCard(): Promise<void> {
    await this.request({ type: 'disconnect' });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState >= 2) return resolve();
      this.ws.addEventListener('close', () => resolve());
      this.ws.close(1000, 'done');
    });
  }
}

/** The card's ATR through the one decision of APDU limits (src/reader/session-limits.ts); PC/SC runs T=1 when the card offers it. */
export function limitsFromAtr(atr: Uint8Array): TransportLimits {
  const a = parseAtr(atr);
  if (!a.ok) return SHORT_LIMITS;
  return apduLimits({ protocol: a.value.protocols.includes(1) ? 1 : 0, extendedLength: a.value.history.extendedLength }, { kind: 'pcsc' });
}

/** The raw link: one APDU per transmit frame. withIsoWrappers goes around it. */
class BridgeLink implements Transport {
  constructor(
    private readonly bridge: BridgeConnection,
    readonly limits: TransportLimits,
  ) {}

  async transmit(apdu: Uint8Array, options?: { signal?: AbortSignal }): Promise<Uint8Array> {
    const f = await this.bridge.request({ type: 'transmit', apdu }, options?.signal);
    if (f.type !== 'response') throw new ReaderError('PROTOCOL_ERROR', `bridge answered ${f.type} to transmit`);
    return f.data;
  }
}

/** Opens the WebSocket, sends hello with the pairing code, waits for welcome. */
export function connectBridge(options: BridgeOptions): Promise<BridgeConnection> {
  const url = options.url ?? DEFAULT_BRIDGE_URL;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let ws: WebSocketLike;
  try {
    ws = (options.createSocket ?? ((u) => new WebSocket(u) as unknown as WebSocketLike))(url);
  } catch (e) {
    return Promise.reject(bridgeNotRunning(url, e));
  }
  const conn = new BridgeConnection(ws, url, timeoutMs);
  return new Promise<BridgeConnection>((resolve, reject) => {
    let state: 'opening' | 'hello' | 'ready' = 'opening';
    const timer = setTimeout(() => {
      ws.close();
      reject(state === 'opening' ? bridgeNotRunning(url) : new ReaderError('TIMEOUT', 'the PC/SC bridge did not answer hello'));
    }, timeoutMs);
    // A browser fires error, then close; the close handler below reports it.
    ws.addEventListener('error', () => {});
    ws.addEventListener('open', () => {
      state = 'hello';
      ws.send(
        encodeClientFrame({
          type: 'hello',
          version: BRIDGE_PROTOCOL_VERSION,
          ...(options.pairingCode !== undefined ? { pairingCode: options.pairingCode } : {}),
          ...(options.pairingToken !== undefined ? { pairingToken: options.pairingToken } : {}),
        }),
      );
    });
    ws.addEventListener('message', (ev) => {
      const d = typeof ev.data === 'string' ? decodeServerFrame(ev.data) : undefined;
      if (!d?.ok) {
        ws.close(4002, 'MALFORMED');
        return;
      }
      const f = d.value;
      if (state === 'hello') {
        clearTimeout(timer);
        if (f.type === 'welcome') {
          state = 'ready';
          conn.readers = f.readers;
          conn.pairingToken = f.pairingToken;
          resolve(conn);
        } else {
          reject(f.type === 'error' ? fromBridgeError(f.code, f.message) : new ReaderError('PROTOCOL_ERROR', `bridge answered ${f.type} to hello`));
          ws.close();
        }
        return;
      }
      conn.handleFrame(f);
    });
    ws.addEventListener('close', (ev) => {
      clearTimeout(timer);
      if (state === 'opening') reject(bridgeNotRunning(url));
      else if (state === 'hello') reject(new BridgeError('ACCESS_DENIED', 'CLOSED', `The PC/SC bridge closed the connection before pairing (${ev.code} ${ev.reason}).`));
      conn.handleClose(ev.code, ev.reason);
    });
  });
}
