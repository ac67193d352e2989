// Vault figures, measured in Node with fake-indexeddb (an in-memory IndexedDB in
// JavaScript): they compare the vault's own costs with a raw put on the same engine and
// show how they scale, not what Chromium's IndexedDB will do. The same measurements in
// Chromium are under app.vaultChromium (bench/entries/app.ts, bench/browser/).
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openVault, type Vault } from '../../src/vault/index.ts';
import { CardModel } from '../../test/vault/card-model.ts';
import type { BenchEntry, BenchRow } from '../run.ts';
import { ms, storeOneMiB, timed } from '../vault-measure.ts';

const fresh = () => openVault({ factory: new IDBFactory(), name: 'bench' });

async function chainOf(n: number): Promise<{ v: Vault; card: CardModel; buildMs: number }> {
  const v = await fresh();
  const card = new CardModel({ memorySize: 16384, pageSize: 256, seed: 7 });
  const t0 = performance.now();
  await v.commitBackup(card.next('full').input);
  for (let i = 1; i < n; i++) await v.commitBackup(card.next('diff', 2).input);
  return { v, card, buildMs: ms(t0) };
}

const entry: BenchEntry = {
  name: 'vault',
  async run() {
    const store = await storeOneMiB(5, (name) => openVault({ factory: new IDBFactory(), name }));
    const N = 10_000;
    const { v, card, buildMs } = await chainOf(N);
    const firstPage = await timed(5, () => v.timeline(card.cardNumber, { limit: 50 }));
    const full = await timed(3, () => v.timeline(card.cardNumber));
    const compacted = await timed(5, () => v.restorePlan(card.cardNumber, N, 'compacted'));
    const middle = await timed(5, () => v.restorePlan(card.cardNumber, N / 2, 'compacted'));
    const replay = await timed(3, () => v.restorePlan(card.cardNumber, N, 'replay'));
    const verify = await timed(1, () => v.verify());
    v.close();
    const result = {
      engine: 'node + fake-indexeddb (not Chromium)',
      store1MiB: store,
      chain: { backups: N, pages: card.pageCount, pageSize: card.pageSize, pagesPerDiff: 2, buildMs },
      timelineFirst50Ms: firstPage.ms,
      timelineAllMs: full.ms,
      timelineAllEntries: full.value.length,
      restorePlanCompactedNewestMs: compacted.ms,
      restorePlanCompactedMiddleMs: middle.ms,
      restorePlanReplayNewestMs: replay.ms,
      verifyChainMs: verify.ms,
      verifyFindings: verify.value.length,
    };
    const rows: BenchRow[] = [
      { case: 'store 1 MiB backup (vault commit)', ms: store.vaultMs, engine: 'fake-indexeddb' },
      { case: 'store 1 MiB (raw put, same bytes)', ms: store.rawPutMs, engine: 'fake-indexeddb' },
      { case: `timeline first 50 of ${N}`, ms: firstPage.ms, engine: 'fake-indexeddb' },
      { case: `timeline all ${N}`, ms: full.ms, engine: 'fake-indexeddb' },
      { case: `restore plan compacted, newest of ${N}`, ms: compacted.ms, engine: 'fake-indexeddb' },
      { case: `restore plan replay, newest of ${N}`, ms: replay.ms, engine: 'fake-indexeddb' },
      { case: `verify ${N}-backup chain`, ms: verify.ms, engine: 'fake-indexeddb' },
    ];
    return { result, rows };
  },
};

export default entry;
