// Reader figures: the host's full backup of a 64 KiB simulated card through the real
// CCID driver and the simulated USB reader at each exchange level, counting APDUs (as
// the host sends them and as the card sees them, GET RESPONSE rounds included), USB
// transfers and bytes on the bus.
import { simConfig, SimUsbReader, type SimReaderConfig } from '../../src/reader/sim-usb-reader/index.ts';
import { connectCard, openReader } from '../../src/reader/webusb.ts';
import { backup } from '../../src/host/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import { AREA, CARD_A, PIN, vaultFactory } from '../../test/host/fixture.ts';
import { scratchApp } from '../../test/host/scratch-app.ts';
import type { BenchEntry, BenchRow } from '../run.ts';

const LEVELS: Array<[string, SimReaderConfig]> = [
  ['TPDU T=1 (IFSD 254)', simConfig('tpdu-t1')],
  ['TPDU T=0', simConfig('tpdu-t0')],
  ['short APDU', simConfig('short-apdu')],
  ['extended APDU, 271-byte messages', simConfig('extended-apdu', { maxMessageLength: 271 })],
  ['extended APDU, 1034-byte messages', simConfig('extended-apdu')],
  ['extended APDU, 65546-byte messages', simConfig('extended-apdu', { maxMessageLength: 65546 })],
];

/**
 * The real thing: the simulated card, the host's full backup flow and the vault, over
 * the CCID driver and the simulated USB reader at each exchange level. The card's
 * extended-length support follows the level, as a real card in such a reader would.
 */
export async function runRealBackupBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // The card offers T=0 in the T=0-only TPDU reader (the host turns APDUs into TPDUs and
  // answers 61xx with GET RESPONSE), T=1 elsewhere.
  for (const [level, config] of LEVELS) {
    const card = createTestCard({
      cardNumber: CARD_A,
      seed: `host test ${CARD_A}`,
      apps: [scratchApp(AREA)],
      memorySize: 64 * 1024,
      extendedLength: config.level === 'extended-apdu',
      protocols: config.level === 'tpdu-t0' ? [0] : [1],
    });
    let cardApdus = 0;
    const counted = {
      powerOn: () => card.powerOn(),
      powerOff: () => card.powerOff(),
      transmit: (a: Uint8Array) => {
        cardApdus++;
        return card.transmit(a);
      },
    };
    const sim = new SimUsbReader(config);
    sim.insertCard(counted);
    const reader = await openReader(sim);
    const { transport } = await connectCard(reader);
    const vault = await vaultFactory().open();
    const before = { ...reader.stats };
    cardApdus = 0;
    const t0 = performance.now();
    const r = await backup(transport, vault, { pin: PIN, kind: 'full', date: 1 });
    const ms = performance.now() - t0;
    const s = reader.stats;
    rows.push({
      level,
      hostApdus: r.apdus,
      cardApdus,
      usbTransfers: s.transfers - before.transfers,
      busBytes: s.bytesOut + s.bytesIn - before.bytesOut - before.bytesIn,
      apduWireBytes: r.wireBytes,
      pages: r.pages,
      ms,
    });
    vault.close();
    await reader.close();
  }
  return rows;
}

const entry: BenchEntry = {
  name: 'reader',
  async run() {
    const rows = await runRealBackupBench();
    return {
      result: {
        backup: 'full backup of a 64 KiB simulated card (256-byte pages) by the host flow, through the CCID driver and the simulated USB reader',
        levels: rows,
      },
      rows,
    };
  },
};
export default entry;
