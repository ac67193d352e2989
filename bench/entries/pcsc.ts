// PC/SC figures: APDUs per second from the app's side through the whole local stack
// (BridgeTransport -> WebSocket -> bridge -> libpcsclite -> pcscd -> vsmartcard-vpcd ->
// simulated card) against the same card called directly, in one run, for a short
// answer (GET DATA identity) and a long one (BACKUP DATA TRANSFER, extended, ~64 KiB).
// Needs the Debian packages of .ci/install-pcsc; without them this entry fails saying so.
import { createSimCard } from '../../src/card-sim/index.ts';
import type { Transport } from '../../src/protocol/transport.ts';
import { openApp, startTestBridge } from '../../test/pcsc/bridge-harness.ts';
import { startPcscStack } from '../../test/pcsc/daemons.ts';
import type { BenchEntry, BenchRow } from '../run.ts';

const h = (s: string) => Uint8Array.from(s.replace(/ /g, '').match(/../g) ?? [], (x) => parseInt(x, 16));
const GET_IDENTITY = h('80 CA 01 01 00');
const VERIFY = h('00 20 00 81 04 31 32 33 34');
const BACKUP_FULL = h('80 B0 01 00 08 00 00 01 90 00 00 00 00 00');
const TRANSFER = h('80 B2 00 00 00 00 00');
const ABORT = h('80 B6 00 00');

async function rate(t: Transport, n: number, one: () => Promise<number>): Promise<{ apdus: number; seconds: number; bytes: number }> {
  void t;
  let bytes = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) bytes += await one();
  return { apdus: n, seconds: (performance.now() - start) / 1000, bytes };
}

async function measure(t: Transport): Promise<{ small: Awaited<ReturnType<typeof rate>>; large: Awaited<ReturnType<typeof rate>> }> {
  await t.transmit(VERIFY);
  const small = await rate(t, 500, async () => (await t.transmit(GET_IDENTITY)).length);
  // Each round: BACKUP (205 bytes), one extended transfer (~64 KiB), ABORT: 3 APDUs.
  const large = await rate(t, 20, async () => {
    const n = (await t.transmit(BACKUP_FULL)).length + (await t.transmit(TRANSFER)).length;
    await t.transmit(ABORT);
    return n;
  });
  large.apdus *= 3;
  return { small, large };
}

const direct = (card: { transmit(a: Uint8Array): Uint8Array }): Transport => ({
  limits: { maxCommandData: 65535, maxResponseData: 65536, extendedLength: true },
  transmit: async (apdu) => card.transmit(apdu),
});

const entry: BenchEntry = {
  name: 'pcsc',
  async run() {
    const card = createSimCard({ seed: 'bench pcsc' });
    card.powerOn();
    const d = await measure(direct(card));
    card.powerOff();

    const stack = await startPcscStack(card);
    let b: Awaited<ReturnType<typeof measure>>;
    const bridge = await startTestBridge(stack.reader).catch(async (e: unknown) => {
      await stack.stop();
      throw e;
    });
    try {
      const app = await openApp(bridge);
      const { transport } = await app.connectCard(stack.reader);
      b = await measure(transport);
      await app.close();
    } finally {
      await stack.stop(); // pcscd first (see test/pcsc/bridge.pcsc.ts)
      await bridge.close();
    }

    const row = (path: string, kind: string, r: Awaited<ReturnType<typeof rate>>): BenchRow => ({
      path,
      apdu: kind,
      apdus: r.apdus,
      apdusPerSecond: Math.round(r.apdus / r.seconds),
      responseKiBPerSecond: Math.round(r.bytes / 1024 / r.seconds),
    });
    const rows = [
      row('direct simulated card', 'GET DATA 0101', d.small),
      row('bridge + pcscd + vpcd', 'GET DATA 0101', b.small),
      row('direct simulated card', 'BACKUP + 64 KiB TRANSFER + ABORT', d.large),
      row('bridge + pcscd + vpcd', 'BACKUP + 64 KiB TRANSFER + ABORT', b.large),
    ];
    const per = (r: BenchRow) => Number(r.apdusPerSecond);
    return {
      result: {
        rows,
        bridgeVsDirect: { small: per(rows[1] ?? {}) / per(rows[0] ?? {}), large: per(rows[3] ?? {}) / per(rows[2] ?? {}) },
      },
      rows,
    };
  },
};
export default entry;
