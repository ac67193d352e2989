/**
 * Vault figures in Chromium's own IndexedDB.
 *   ?suite=vault  (bench/entries/vault.ts): every figure of issue 15 as a ratio to the raw
 *                 request of the same bytes, in this page and run.
 *   no query      (bench/entries/app.ts): builds a 10,000-backup chain for the demo card's
 *                 number in the app's database, so the app page on the same origin then
 *                 shows it on its timeline.
 */
import { openVault } from '../../src/vault/index.ts';
import { CardModel } from '../../test/vault/card-model.ts';
import { exportImport, ms, storeDiff, storeFull, storeOneMiB, timed, verifyMany, type Engine } from '../vault-measure.ts';
import { longChain } from '../vault-chain.ts';

const engine: Engine = {
  openVault: (name) => openVault({ name }),
  deleteDatabase: (name) =>
    new Promise<void>((res) => {
      const r = indexedDB.deleteDatabase(name);
      r.onsuccess = () => res();
      r.onerror = () => res();
      r.onblocked = () => res();
    }),
  digest: (b) => crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>),
  async verifyEd25519(publicKey, items) {
    const key = await crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
    return () => Promise.all(items.map((x) => crypto.subtle.verify({ name: 'Ed25519' }, key, x.signature as Uint8Array<ArrayBuffer>, x.message as Uint8Array<ArrayBuffer>)));
  },
};

const chromiumName = () => `Chromium IndexedDB (${navigator.userAgent.match(/Chrom(e|ium)\/[\d.]+/)?.[0] ?? 'unknown'})`;

async function vaultSuite() {
  const only = new URLSearchParams(location.search).get('only');
  const want = (k: string) => only === null || only.split(',').includes(k);
  // crossOriginIsolated: whether performance.now() ticked in microseconds (serve.ts sends COOP/COEP) or in 0.1 ms.
  const out: Record<string, unknown> = { engine: chromiumName(), crossOriginIsolated };
  if (want('full')) out.fullBackup = { '64KiB': await storeFull(engine, 64 << 10, 9), '1MiB': await storeFull(engine, 1 << 20, 9), '8MiB': await storeFull(engine, 8 << 20, 5) };
  if (want('diff')) out.diff5pc1MiB = await storeDiff(engine, 9);
  if (want('chain')) out.chain10k = await longChain(engine, 10_000);
  if (want('verify')) out.verify1000 = await verifyMany(engine, 1000);
  // The same on version-1 backups (unsigned): what the storage costs without the 1,000 signature checks.
  if (want('verify')) out.verify1000v1 = await verifyMany(engine, 1000, 1);
  if (want('export')) out.exportImport100 = await exportImport(engine, 100);
  return out;
}

const N = 10_000;
const DEMO_CARD = '4900000000000001';
async function appSuite() {
  const store1MiB = await storeOneMiB(3, (name) => openVault({ name }));
  const v = await openVault();
  const card = new CardModel({ cardNumber: DEMO_CARD, memorySize: 16384, pageSize: 256, seed: 7 });
  const t0 = performance.now();
  await v.commitBackup(card.next('full').input);
  await v.confirmBackup(DEMO_CARD, 1);
  for (let i = 1; i < N; i++) {
    const b = card.next('diff', 2);
    await v.commitBackup(b.input);
    await v.confirmBackup(DEMO_CARD, b.seq);
  }
  const buildMs = ms(t0);
  const list = await timed(3, () => v.timeline(DEMO_CARD));
  const first50 = await timed(5, () => v.timeline(DEMO_CARD, { limit: 50 }));
  const plan = await timed(5, () => v.restorePlan(DEMO_CARD, N, 'compacted'));
  const replay = await timed(3, () => v.restorePlan(DEMO_CARD, N, 'replay'));
  v.close();
  return {
    engine: chromiumName(),
    store1MiB,
    chain: { backups: N, pages: card.pageCount, pagesPerDiff: 2, buildMs },
    timelineAllMs: list.ms,
    timelineAllEntries: list.value.length,
    timelineFirst50Ms: first50.ms,
    restorePlanCompactedNewestMs: plan.ms,
    restorePlanReplayNewestMs: replay.ms,
  };
}

const state = document.getElementById('state') as HTMLElement;
(new URLSearchParams(location.search).get('suite') === 'vault' ? vaultSuite() : appSuite()).then(
  (r) => {
    state.textContent = JSON.stringify(r);
    state.dataset.done = 'ok';
  },
  (e: unknown) => {
    state.textContent = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
    state.dataset.done = 'failed';
  },
);
