import { describe, expect, it } from 'vitest';
import { decodeClientFrame, encodeServerFrame, type ClientFrame, type ServerFrame } from '../protocol/bridge-frames.ts';
import { BridgeError, bridgeUrlForPort, connectBridge, limitsFromAtr, type WebSocketLike } from './bridge-transport.ts';
import { isReaderError } from './errors.ts';

type Listener = (ev: never) => void;
/** A WebSocket whose far end is a function of the frames it receives. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  private readonly l = new Map<string, Listener[]>();
  sent: ClientFrame[] = [];
  constructor(private readonly peer: ((f: ClientFrame, s: FakeSocket) => void) | 'refuse') {
    setTimeout(() => (peer === 'refuse' ? this.fire('close', { code: 1006, reason: '' }) : ((this.readyState = 1), this.fire('open', {}))), 0);
  }
  addEventListener(type: string, listener: Listener): void {
    this.l.set(type, [...(this.l.get(type) ?? []), listener]);
  }
  fire(type: string, ev: unknown): void {
    for (const f of this.l.get(type) ?? []) (f as (e: unknown) => void)(ev);
  }
  push(f: ServerFrame): void {
    setTimeout(() => this.fire('message', { data: encodeServerFrame(f) }), 0);
  }
  send(text: string): void {
    const d = decodeClientFrame(text);
    if (!d.ok) throw d.error;
    this.sent.push(d.value);
    if (this.peer !== 'refuse') this.peer(d.value, this);
  }
  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    setTimeout(() => this.fire('close', { code, reason }), 0);
  }
}

// T=1 ATR of the simulated card with "extended Lc/Le" in its card capabilities.
const ATR = Uint8Array.of(0x3b, 0x8d, 0x81, 0x31, 0xfe, 0x45, 0x80, 0x57, 0x49, 0x43, 0x56, 0x41, 0x55, 0x4c, 0x54, 0x73, 0x80, 0x01, 0xc0, 0x33);

const goodBridge = (f: ClientFrame, s: FakeSocket) => {
  if (f.type === 'hello') s.push(f.pairingCode === '111111' ? { type: 'welcome', version: 1, readers: [{ name: 'R', cardPresent: true, busy: false }] } : { type: 'error', code: 'BAD_PAIRING', message: 'wrong' });
  if (f.type === 'connect') s.push({ type: 'connected', id: f.id, reader: f.reader, atr: ATR });
  if (f.type === 'transmit') s.push(f.apdu[1] === 0xb0 ? { type: 'error', id: f.id, code: 'CARD_REMOVED', message: 'gone' } : { type: 'response', id: f.id, data: Uint8Array.of(0x90, 0) });
};

describe('BridgeTransport', () => {
  it('says clearly that the bridge is not running when the socket never opens', async () => {
    const e = await connectBridge({ pairingCode: '111111', createSocket: () => new FakeSocket('refuse') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BridgeError);
    expect(isReaderError(e)).toBe(true);
    expect((e as BridgeError).bridgeCode).toBe('NOT_RUNNING');
    expect((e as Error).message).toMatch(/not running at ws:\/\/127\.0\.0\.1:35964\/.*npm run bridge/);
  });

  it('a constructor that throws (blocked URL) is the same error', async () => {
    const e = await connectBridge({ pairingCode: '1', createSocket: () => { throw new Error('SecurityError'); } }).catch((x: unknown) => x);
    expect((e as BridgeError).bridgeCode).toBe('NOT_RUNNING');
  });

  it('pairs, connects to the first reader with a card and carries APDUs', async () => {
    const b = await connectBridge({ pairingCode: '111111', createSocket: () => new FakeSocket(goodBridge) });
    expect(b.readers).toEqual([{ name: 'R', cardPresent: true, busy: false }]);
    const { transport, reader } = await b.connectCard('R');
    expect(reader).toBe('R');
    expect(transport.limits).toEqual({ maxCommandData: 65535, maxResponseData: 65536, extendedLength: true });
    expect(await transport.transmit(Uint8Array.of(0, 0xa4, 4, 0))).toEqual(Uint8Array.of(0x90, 0));
    const e = await transport.transmit(Uint8Array.of(0x80, 0xb0, 1, 0)).catch((x: unknown) => x);
    expect(isReaderError(e, 'CARD_REMOVED')).toBe(true);
  });

  it('maps a refused pairing code to ACCESS_DENIED', async () => {
    const e = await connectBridge({ pairingCode: '222222', createSocket: () => new FakeSocket(goodBridge) }).catch((x: unknown) => x);
    expect(isReaderError(e, 'ACCESS_DENIED')).toBe(true);
    expect((e as BridgeError).bridgeCode).toBe('BAD_PAIRING');
  });

  it('fails a pending transmit when the bridge goes away, and every later one', async () => {
    let sock: FakeSocket | undefined;
    const b = await connectBridge({
      pairingCode: '111111',
      createSocket: () =>
        (sock = new FakeSocket((f, s) => {
          if (f.type === 'transmit') s.close(1006, '');
          else goodBridge(f, s);
        })),
    });
    const { transport } = await b.connectCard('R');
    const e = await transport.transmit(Uint8Array.of(0, 0xa4, 4, 0)).catch((x: unknown) => x);
    expect((e as BridgeError).bridgeCode).toBe('CLOSED');
    expect(await transport.transmit(Uint8Array.of(0, 0xa4, 4, 0)).catch((x: unknown) => x)).toBe(e);
    expect(sock?.sent.map((f) => f.type)).toEqual(['hello', 'connect', 'transmit']);
  });

  it('an aborted transmit rejects with ABORTED', async () => {
    const b = await connectBridge({ pairingCode: '111111', createSocket: () => new FakeSocket((f, s) => (f.type === 'transmit' ? undefined : goodBridge(f, s))) });
    const { transport } = await b.connectCard('R');
    const ac = new AbortController();
    const p = transport.transmit(Uint8Array.of(0, 0xa4, 4, 0), { signal: ac.signal });
    ac.abort();
    expect(isReaderError(await p.catch((x: unknown) => x), 'ABORTED')).toBe(true);
  });

  it('limits: extended only for a T=1 card whose ATR says extended Lc/Le', () => {
    expect(limitsFromAtr(ATR).extendedLength).toBe(true);
    expect(limitsFromAtr(Uint8Array.of(0x3b, 0x00)).extendedLength).toBe(false);
    expect(limitsFromAtr(new Uint8Array(0)).extendedLength).toBe(false);
  });
});

describe('bridgeUrlForPort', () => {
  it('gives the loopback URL for the port the bridge was started with, and names a bad port', () => {
    expect(bridgeUrlForPort(40000)).toBe('ws://127.0.0.1:40000/');
    expect(() => bridgeUrlForPort(0)).toThrow(/bridge port must be a whole number from 1 to 65535, not 0/);
    expect(() => bridgeUrlForPort(70000)).toThrow(RangeError);
    expect(() => bridgeUrlForPort(1.5)).toThrow(RangeError);
  });

  it('a hello with the remembered token (and no code) is what the transport sends; the welcome token is kept', async () => {
    let hello: ClientFrame | undefined;
    const b = await connectBridge({
      pairingToken: 'tok',
      createSocket: () =>
        new FakeSocket((f, s) => {
          hello = f;
          s.push({ type: 'welcome', version: 1, readers: [], pairingToken: 'next' });
        }),
    });
    expect(hello).toEqual({ type: 'hello', version: 1, pairingToken: 'tok' });
    expect(b.pairingToken).toBe('next');
  });
});
