/**
 * Connects a card (any CardLike) to vsmartcard's vpcd over TCP on localhost. vpcd is
 * the server (pcscd's reader driver listens on DEVICENAME /dev/null:<port>); the card
 * connects, and reconnects when vpcd drops the link (pcscd restarted), until closed.
 * While connected, pcscd sees a card in the "Virtual PCD" reader; closing removes it.
 */
import { connect, type Socket } from 'node:net';
import type { CardLike } from '../../src/protocol/transport.ts';
import { VPCD_DEFAULT_PORT, VpcdFrameReader } from '../../src/protocol/vpcd.ts';
import { VpcdCardSession, type VpcdSessionEvents } from './session.ts';

export interface VpcdLinkOptions extends VpcdSessionEvents {
  host?: string;
  port?: number;
  /** Wait between connection attempts while vpcd is not listening yet. Default 200 ms. */
  retryMs?: number;
  /**
   * Nagle off on the card's socket (default true). Kept switchable only so that
   * tools/vpcd/latency-probe.ts can show what it does (docs/bridge.md, "48 ms").
   */
  noDelay?: boolean;
  onConnected?: () => void;
  onDisconnected?: () => void;
}

export interface VpcdLink {
  /** Resolves at the first successful connection. */
  readonly connected: Promise<void>;
  readonly isConnected: boolean;
  close(): Promise<void>;
}

export function linkCardToVpcd(card: CardLike, options: VpcdLinkOptions = {}): VpcdLink {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? VPCD_DEFAULT_PORT;
  const retryMs = options.retryMs ?? 200;
  let socket: Socket | undefined;
  let closed = false;
  let connectedNow = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolveConnected: () => void = () => {};
  const connected = new Promise<void>((r) => (resolveConnected = r));

  const attempt = () => {
    if (closed) return;
    const session = new VpcdCardSession(card, options);
    const reader = new VpcdFrameReader();
    const s = connect({ host, port });
    socket = s;
    s.setNoDelay(options.noDelay ?? true);
    s.on('connect', () => {
      connectedNow = true;
      resolveConnected();
      options.onConnected?.();
    });
    s.on('data', (chunk: Uint8Array) => {
      for (const payload of reader.push(chunk)) {
        const answer = session.handle(payload);
        if (answer) s.write(answer);
      }
    });
    s.on('error', () => {
      /* 'close' follows; a refused connection just means vpcd is not listening yet */
    });
    s.on('close', () => {
      if (connectedNow) options.onDisconnected?.();
      connectedNow = false;
      if (session.isPowered) card.powerOff();
      if (!closed) timer = setTimeout(attempt, retryMs);
    });
  };
  attempt();

  return {
    connected,
    get isConnected() {
      return connectedNow;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        if (timer) clearTimeout(timer);
        const s = socket;
        if (!s || s.destroyed) return resolve();
        s.once('close', () => resolve());
        s.destroy();
      }),
  };
}
