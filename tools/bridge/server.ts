/**
 * The bridge's WebSocket server: 127.0.0.1 only, the app's origins only (checked
 * before the upgrade, answered 403 otherwise), one Session per connection.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_DEFAULT_PORT, BRIDGE_MAX_FRAME } from '../../src/protocol/bridge-frames.ts';
import { Hub } from './hub.ts';
import type { PairedStore } from './paired-store.ts';
import { openPcsc, type PcscEvents, type PcscReaders } from './pcsc.ts';
import { DEFAULT_ORIGINS, hostAllowed, originAllowed, Pairing } from './policy.ts';
import { CLOSE_POLICY, Session } from './session.ts';
import { portInUse } from './setup-errors.ts';

export interface BridgeOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 35964. */
  port?: number;
  origins?: readonly string[];
  /** Fixed pairing code (tests); default: 6 random digits. */
  pairingCode?: string;
  onPairingCode?: (code: string) => void;
  log?: (line: string) => void;
  /** The PC/SC side; default the real one (@pokusew/pcsclite). */
  openReaders?: (events: PcscEvents) => PcscReaders;
  /** Remember paired origins in this store (main.ts: the config file); default: none. */
  pairedStore?: PairedStore;
  /** Time a new connection has to send its hello. Default 30 s. */
  helloTimeoutMs?: number;
}

export interface Bridge {
  readonly port: number;
  readonly url: string;
  readonly pairing: Pairing;
  readonly hub: Hub;
  close(): Promise<void>;
}

export async function startBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const origins = (options.origins ?? DEFAULT_ORIGINS).map((o) => o.toLowerCase().replace(/\/$/, ''));
  const log = options.log ?? (() => {});
  // The code is printed only once PC/SC and the port are known to work, so a bridge that
  // cannot run never shows a code (setup-errors.ts says what is missing instead).
  let announce = false;
  const pairing = new Pairing(options.pairingCode, (code) => {
    if (announce) options.onPairingCode?.(code);
  });
  const hub = new Hub(pairing, log);
  hub.pairedStore = options.pairedStore;
  const helloTimeoutMs = options.helloTimeoutMs ?? 30_000;
  const readers = (options.openReaders ?? openPcsc)(hub);

  let port = options.port ?? BRIDGE_DEFAULT_PORT;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port,
    maxPayload: BRIDGE_MAX_FRAME,
    perMessageDeflate: false,
    verifyClient: (info: { origin: string; req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      if (!hostAllowed(info.req.headers.host, port)) {
        log(`refused: Host ${String(info.req.headers.host)}`);
        return done(false, 403, 'Host not allowed');
      }
      if (!originAllowed(info.origin, origins)) {
        log(`refused: page from origin ${info.origin || '(none)'} (allowed: ${origins.join(', ')})`);
        return done(false, 403, 'Origin not allowed');
      }
      done(true);
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
  } catch (e) {
    readers.close();
    throw (e as { code?: unknown }).code === 'EADDRINUSE' ? portInUse(port, e) : e;
  }
  const address = wss.address();
  port = typeof address === 'object' && address !== null ? address.port : port;

  let n = 0;
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const origin = String(req.headers.origin ?? '').toLowerCase().replace(/\/$/, '');
    const session = new Session(hub, { send: (t) => ws.send(t), close: (c, r) => ws.close(c, r) }, `client ${++n} (${origin})`, origin);
    hub.sessions.add(session);
    const timer = setTimeout(() => {
      if (!session.paired) {
        session.send({ type: 'error', code: 'PAIRING_REQUIRED', message: 'no hello with the pairing code in time' });
        ws.close(CLOSE_POLICY, 'PAIRING_REQUIRED');
      }
    }, helloTimeoutMs);
    ws.on('message', (data, isBinary) => session.receive(isBinary ? undefined : new TextDecoder('utf-8', { fatal: false }).decode(data as Uint8Array)));
    ws.on('error', (e) => log(`${session.label}: ${e.message}`));
    ws.on('close', () => {
      clearTimeout(timer);
      hub.sessions.delete(session);
      void session.ended();
    });
  });

  announce = true;
  options.onPairingCode?.(pairing.current);

  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    pairing,
    hub,
    async close() {
      await Promise.all([...hub.sessions].map((s) => s.shutdown()));
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      readers.close();
    },
  };
}
