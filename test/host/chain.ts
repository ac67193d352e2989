/**
 * A long chain on one card: one full backup, then `diffs` differential backups, each
 * after a few random pages changed (seeded). Returns what memory looked like at every
 * point, for byte-for-byte restore checks. Shared by the chain test and the benchmark.
 */
import type { SimCard } from '../../src/card-sim/index.ts';
import { backup } from '../../src/host/index.ts';
import type { Transport } from '../../src/protocol/transport.ts';
import type { Vault } from '../../src/vault/index.ts';
import { changeRandomPages, PIN, restorable, rng } from './fixture.ts';

export interface Chain {
  /** seq -> memory after the identity block, as it was when that backup was taken. */
  points: Map<number, Uint8Array>;
  last: number;
}

export async function buildChain(card: SimCard, t: Transport, vault: Vault, o: { diffs: number; seed: number; maxPages?: number }): Promise<Chain> {
  const next = rng(o.seed);
  const points = new Map<number, Uint8Array>();
  const full = await backup(t, vault, { pin: PIN, kind: 'full', date: 1_000 });
  points.set(full.seq, restorable(card));
  let last = full.seq;
  for (let i = 1; i <= o.diffs; i++) {
    changeRandomPages(card, next, 1 + Math.floor(next() * (o.maxPages ?? 6)));
    const b = await backup(t, vault, { pin: PIN, kind: 'diff', date: 1_000 + i });
    points.set(b.seq, restorable(card));
    last = b.seq;
  }
  return { points, last };
}
