/**
 * Reconnecting to the bridge without the code (issue 13): the first connection pairs by
 * code and keeps the bridge's token; the next sends the token alone; a token the bridge
 * no longer knows (revoked in the bridge) is forgotten in the app too. Against the real
 * bridge server (test/ui/bridge-reconnect.ts), its reader's card in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BridgeSettings } from '../../src/ui/services/bridge-settings.ts';
import { openKeptBridge } from '../../src/ui/services/bridge-connect.ts';
import type { WebSocketLike } from '../../src/reader/bridge-transport.ts';
import type { Bridge } from '../../tools/bridge/server.ts';
import type { PairedStore } from '../../tools/bridge/paired-store.ts';
import { BRIDGE_CODE, BRIDGE_READER, bridgeWithTestCard } from './bridge-reconnect.ts';

const APP = 'http://127.0.0.1:4173';
const socket = (url: string) => new WebSocket(url, { origin: APP }) as unknown as WebSocketLike;

function settingsIn(port: number) {
  const m = new Map<string, string>();
  const s = new BridgeSettings({ getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) });
  s.setPort(port);
  return s;
}

let bridge: Bridge;
let store: PairedStore;
beforeAll(async () => ({ bridge, store } = await bridgeWithTestCard()));
afterAll(() => bridge.close());

describe('reconnecting to the bridge with the kept pairing token', () => {
  it('pairs by code once, then reconnects with the token alone and reaches the card', async () => {
    const settings = settingsIn(bridge.port);
    const first = await openKeptBridge(settings, BRIDGE_CODE, { createSocket: socket });
    const token = settings.pairingToken();
    expect(token).toMatch(/.{16,}/);
    await first.close();

    const again = await openKeptBridge(settings, '', { createSocket: socket });
    expect(again.name).toBe(BRIDGE_READER);
    const t = await again.openCard();
    const sw = await t.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x00));
    expect(sw.length).toBeGreaterThanOrEqual(2);
    await again.close();
    expect(settings.pairingToken()).toBeDefined();
  });

  it('forgets a token the bridge revoked, so the next connection asks for the code', async () => {
    const settings = settingsIn(bridge.port);
    await (await openKeptBridge(settings, BRIDGE_CODE, { createSocket: socket })).close();
    expect(store.forget(APP)).toBeGreaterThan(0);
    const e = await openKeptBridge(settings, '', { createSocket: socket }).catch((x: unknown) => x);
    expect(e).toMatchObject({ bridgeCode: 'BAD_PAIRING' });
    expect(settings.pairingToken()).toBeUndefined();
  });

  it('without a kept token a code-less connection is refused and nothing is kept', async () => {
    const settings = settingsIn(bridge.port);
    const e = await openKeptBridge(settings, '', { createSocket: socket }).catch((x: unknown) => x);
    expect(e).toMatchObject({ bridgeCode: 'PAIRING_REQUIRED' });
    expect(settings.pairingToken()).toBeUndefined();
  });
});
