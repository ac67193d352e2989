/**
 * The bridge (tools/bridge: its WebSocket server, sessions, pairing and paired-origin
 * store, unchanged) on a free port, with one reader whose card is the test card in this
 * process instead of PC/SC: for the app's code-less reconnect (test/ui and e2e), no pcscd.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge, type Bridge } from '../../tools/bridge/server.ts';
import { PairedStore } from '../../tools/bridge/paired-store.ts';
import type { ReaderHandle } from '../../tools/bridge/pcsc.ts';
import { createTestCard } from '../support/card.ts';

export const BRIDGE_CODE = '246810';
export const BRIDGE_READER = 'icvault Test Reader 00 00';

export async function bridgeWithTestCard(): Promise<{ bridge: Bridge; store: PairedStore }> {
  const card = createTestCard({ memorySize: 16 * 1024 });
  const atr = card.powerOn();
  const reader: ReaderHandle = {
    name: BRIDGE_READER,
    cardPresent: true,
    atr,
    connect: async () => atr,
    transmit: async (apdu) => card.transmit(apdu),
    release: async () => card.powerOff(),
  };
  const store = new PairedStore(join(mkdtempSync(join(tmpdir(), 'icvault-bridge-')), 'paired.json'));
  const bridge = await startBridge({
    port: 0,
    pairingCode: BRIDGE_CODE,
    pairedStore: store,
    openReaders: (events) => {
      events.readerAdded(reader);
      return { close: () => undefined };
    },
  });
  return { bridge, store };
}
