/**
 * Where does the time of one APDU through pcscd + vpcd go? Runs the real stack
 * (test/pcsc/daemons.ts) and times N short APDUs sent by pcsc-tools' scriptor (a plain
 * libpcsclite client: no code of ours on the client side) in three set-ups:
 *   1. as shipped: Nagle off on the card's socket (tools/vpcd/connect.ts), vpcd as is;
 *   2. Nagle on on the card's socket too (shows our side's setting does not matter);
 *   3. pcscd started with tools/vpcd/nodelay-shim.c preloaded (Nagle off on vpcd's side).
 * The figures and what they prove are in docs/bridge.md. Needs gcc for set-up 3.
 *
 *   npx tsx tools/vpcd/latency-probe.ts [n=200]
 */
import { createTestCard } from '../../test/support/card.ts';
import { scriptor } from '../../test/pcsc/clients.ts';
import { startPcscStack } from '../../test/pcsc/daemons.ts';
import { linkCardToVpcd } from './connect.ts';
import { buildNodelayShim } from './nodelay-shim.ts';

const n = Number(process.argv[2] ?? 200);
const GET_IDENTITY = '80 CA 01 01 00';

const shim = buildNodelayShim();

async function measure(label: string, cardNoDelay: boolean, vpcdNoDelay: boolean): Promise<void> {
  const card = createTestCard({ seed: 'latency probe' });
  const before = process.env.LD_PRELOAD;
  if (vpcdNoDelay) process.env.LD_PRELOAD = shim; // inherited by pcscd (and scriptor, harmless)
  const stack = await startPcscStack(card).finally(() => {
    if (before === undefined) delete process.env.LD_PRELOAD;
    else process.env.LD_PRELOAD = before;
  });
  let relinked: ReturnType<typeof linkCardToVpcd> | undefined;
  try {
    if (!cardNoDelay) {
      await stack.link.close();
      relinked = linkCardToVpcd(card, { host: '127.0.0.1', port: stack.vpcdPort, retryMs: 100, noDelay: false });
      await relinked.connected;
      await new Promise((r) => setTimeout(r, 1500)); // pcscd polls the slot
    }
    await scriptor(stack.reader, [GET_IDENTITY]);
    const t0 = performance.now();
    const r = await scriptor(stack.reader, Array.from({ length: n }, () => GET_IDENTITY));
    const ms = performance.now() - t0;
    if (r.exchanges.length !== n || r.exchanges.some((e) => e.sw !== 0x9000)) throw new Error(`scriptor: ${r.output.slice(-500)}`);
    console.log(`${label}: ${n} APDUs in ${ms.toFixed(0)} ms = ${(ms / n).toFixed(2)} ms per APDU (scriptor start included)`);
  } finally {
    await relinked?.close();
    await stack.stop();
  }
}

await measure('1. as shipped (card socket Nagle off, vpcd as is)', true, false);
await measure('2. card socket Nagle on, vpcd as is              ', false, false);
await measure('3. card socket Nagle off, vpcd Nagle off (shim)  ', true, true);
