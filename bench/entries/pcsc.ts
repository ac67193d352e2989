// PC/SC figures, in one run: APDUs per second against the simulated card called
// directly, through libpcsclite alone (pcsc-tools' scriptor: libpcsclite -> pcscd ->
// vsmartcard-vpcd -> card, no code of ours on the client side), and from the app's side
// through the whole local stack (BridgeTransport -> WebSocket -> bridge -> libpcsclite ->
// pcscd -> vpcd -> card), for a short answer (GET DATA identity) and a long one (BACKUP
// DATA TRANSFER, extended, ~64 KiB). The ~48 ms per APDU of pcscd + vpcd is vpcd's own
// (docs/bridge.md, tools/vpcd/latency-probe.ts); the libpcsclite row shows it.
// Needs the Debian packages of .ci/install-pcsc; without them this entry fails saying so.
import { createTestCard } from '../../test/support/card.ts';
import type { Transport } from '../../src/protocol/transport.ts';
import { openApp, startTestBridge } from '../../test/pcsc/bridge-harness.ts';
import { scriptor } from '../../test/pcsc/clients.ts';
import { startPcscStack } from '../../test/pcsc/daemons.ts';
import { startPcscStackWithoutNagle } from '../../tools/vpcd/nodelay-shim.ts';
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
    const card = createTestCard({ seed: 'bench pcsc' });
    card.powerOn();
    const d = await measure(direct(card));
    card.powerOff();

    const stack = await startPcscStack(card);
    // libpcsclite alone: one scriptor run of N short APDUs (its start-up included).
    const SCRIPTED = 200;
    let lib: Awaited<ReturnType<typeof rate>>;
    try {
      const t0 = performance.now();
      const s = await scriptor(stack.reader, ['00 20 00 81 04 31 32 33 34', ...Array.from({ length: SCRIPTED }, () => '80 CA 01 01 00')]);
      const seconds = (performance.now() - t0) / 1000;
      const ok = s.exchanges.filter((e) => e.sw === 0x9000);
      if (ok.length !== SCRIPTED + 1) throw new Error(`scriptor: ${ok.length} of ${SCRIPTED + 1} APDUs answered 9000:\n${s.output.slice(-400)}`);
      lib = { apdus: SCRIPTED + 1, seconds, bytes: ok.reduce((n, e) => n + e.data.split(' ').filter(Boolean).length + 2, 0) };
    } catch (e) {
      await stack.stop();
      throw e;
    }
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

    // The same bridge path once more with vpcd's Nagle wait removed (the shim preloaded
    // into pcscd): what the bridge and pcscd cost without vpcd's 40 ms per APDU.
    const fast = await startPcscStackWithoutNagle(createTestCard({ seed: 'bench pcsc fast' }));
    let nf: Awaited<ReturnType<typeof measure>>;
    const bridge2 = await startTestBridge(fast.reader).catch(async (e: unknown) => {
      await fast.stop();
      throw e;
    });
    try {
      const app = await openApp(bridge2);
      const { transport } = await app.connectCard(fast.reader);
      nf = await measure(transport);
      await app.close();
    } finally {
      await fast.stop();
      await bridge2.close();
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
      row('libpcsclite alone (scriptor) + pcscd + vpcd', 'GET DATA 0101', lib),
      row('direct simulated card', 'BACKUP + 64 KiB TRANSFER + ABORT', d.large),
      row('bridge + pcscd + vpcd', 'BACKUP + 64 KiB TRANSFER + ABORT', b.large),
      row('bridge + pcscd + vpcd without its Nagle wait (preload shim)', 'GET DATA 0101', nf.small),
      row('bridge + pcscd + vpcd without its Nagle wait (preload shim)', 'BACKUP + 64 KiB TRANSFER + ABORT', nf.large),
    ];
    const per = (r: BenchRow) => Number(r.apdusPerSecond);
    return {
      result: {
        rows,
        bridgeVsDirect: { small: per(rows[1] ?? {}) / per(rows[0] ?? {}), large: per(rows[4] ?? {}) / per(rows[3] ?? {}) },
        bridgeVsLibpcsclite: per(rows[1] ?? {}) / per(rows[2] ?? {}),
        msPerApduCause: 'vsmartcard-vpcd sends length and APDU in two writes with Nagle on; the delayed ACK holds each APDU ~40 ms (docs/bridge.md)',
      },
      rows,
    };
  },
};
export default entry;
