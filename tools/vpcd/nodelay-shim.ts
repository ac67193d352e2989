/**
 * Builds tools/vpcd/nodelay-shim.c (TCP_NODELAY on the sockets vpcd accepts) into a
 * temp .so and starts the PC/SC stack with it preloaded into pcscd, to measure the
 * stack without vpcd's 40 ms delayed-ACK wait (docs/bridge.md, "48 ms"). Evidence and
 * bench only; needs gcc, and says so when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CardLike } from '../../src/protocol/transport.ts';
import { startPcscStack, type PcscStack } from '../../test/pcsc/daemons.ts';

export function buildNodelayShim(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'icvault-shim-')), 'nodelay-shim.so');
  try {
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', out, new URL('./nodelay-shim.c', import.meta.url).pathname, '-ldl'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error('building tools/vpcd/nodelay-shim.c needs gcc (apt-get install gcc)', { cause: e });
  }
  return out;
}

/** startPcscStack with the shim preloaded into pcscd (LD_PRELOAD is inherited by the spawn). */
export async function startPcscStackWithoutNagle(card: CardLike, shim = buildNodelayShim()): Promise<PcscStack> {
  const before = process.env.LD_PRELOAD;
  process.env.LD_PRELOAD = shim;
  try {
    return await startPcscStack(card);
  } finally {
    if (before === undefined) delete process.env.LD_PRELOAD;
    else process.env.LD_PRELOAD = before;
  }
}
