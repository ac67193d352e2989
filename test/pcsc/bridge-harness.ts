/**
 * The bridge (tools/bridge) started in the test process on a free 127.0.0.1 port over
 * the real pcscd of daemons.ts, and clients for it: the app's BridgeConnection over a
 * `ws` WebSocket that sends the page's Origin as a browser would, and a raw socket for
 * sending what a well-behaved app never sends.
 */
import WebSocket from 'ws';
import { connectBridge, type BridgeConnection, type WebSocketLike } from '../../src/reader/bridge-transport.ts';
import { startBridge, type Bridge } from '../../tools/bridge/server.ts';

export const APP_ORIGIN = 'http://127.0.0.1:5173';
export const CODE = '246810';

export async function startTestBridge(reader: string): Promise<Bridge & { lines: string[] }> {
  const lines: string[] = [];
  const bridge = await startBridge({ port: 0, pairingCode: CODE, log: (l) => lines.push(l) });
  for (let i = 0; i < 200; i++) {
    if (bridge.hub.readerList().some((r) => r.name === reader && r.cardPresent)) return Object.assign(bridge, { lines });
    await new Promise((r) => setTimeout(r, 50));
  }
  await bridge.close();
  throw new Error(`the bridge never saw a card in "${reader}" through PC/SC.\nbridge log:\n${lines.join('\n')}`);
}

export function appSocket(origin = APP_ORIGIN): (url: string) => WebSocketLike {
  return (url) => new WebSocket(url, { origin }) as unknown as WebSocketLike;
}

export function openApp(bridge: Bridge, pairingCode = CODE, origin = APP_ORIGIN): Promise<BridgeConnection> {
  return connectBridge({ url: bridge.url, pairingCode, createSocket: appSocket(origin), timeoutMs: 20_000 });
}

export interface RawClient {
  ws: WebSocket;
  /** Frames received, parsed. */
  frames: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  send(data: string | Uint8Array): void;
  next(): Promise<Record<string, unknown>>;
}

/** A WebSocket with the app's origin that sends whatever the test says. */
export function rawClient(bridge: Bridge, origin = APP_ORIGIN): Promise<RawClient> {
  const ws = new WebSocket(bridge.url, { origin });
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<(f: Record<string, unknown>) => void> = [];
  ws.on('message', (d, isBinary) => {
    const f = isBinary ? { binary: true } : (JSON.parse(new TextDecoder().decode(d as Uint8Array)) as Record<string, unknown>);
    frames.push(f);
    waiters.shift()?.(f);
  });
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: new TextDecoder().decode(reason) })));
  let read = 0;
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        frames,
        closed,
        send: (data) => ws.send(data),
        next: () => {
          const f = frames[read];
          if (f) {
            read++;
            return Promise.resolve(f);
          }
          return new Promise((r) => waiters.push((x) => (read++, r(x))));
        },
      }),
    );
  });
}

/** What the HTTP upgrade answered, for a page from `origin`. */
export function handshakeStatus(bridge: Bridge, origin: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(bridge.url, origin === undefined ? {} : { origin });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(-1));
  });
}
