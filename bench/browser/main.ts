/**
 * Vault figures in Chromium's own IndexedDB (bench/entries/app.ts opens this page).
 * Builds a 10,000-backup chain for the demo card's number in the app's database, so
 * the app page on the same origin then shows it on its timeline.
 */
import { openVault } from '../../src/vault/index.ts';
import { CardModel } from '../../test/vault/card-model.ts';
import { ms, storeOneMiB, timed } from '../vault-measure.ts';

const N = 10_000;
const DEMO_CARD = '4900000000000001';
async function run() {
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
    engine: `Chromium IndexedDB (${navigator.userAgent.match(/Chrom(e|ium)\/[\d.]+/)?.[0] ?? 'unknown'})`,
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
run().then(
  (r) => {
    state.textContent = JSON.stringify(r);
    state.dataset.done = 'ok';
  },
  (e: unknown) => {
    state.textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    state.dataset.done = 'failed';
  },
);
