// The long-chain figures of issue 15 (restore plans and the first timeline page on
// 1 full + 10,000 diffs), shared by the Node run and the Chromium run like
// bench/vault-measure.ts, whose helpers it uses. No Node or DOM APIs here.
import { chain, fresh, ratio, timed, VERSION, type Engine } from './vault-measure.ts';
import { CardModel } from '../test/vault/card-model.ts';

/** Restore plans and the first timeline page on 1 full + 10,000 diffs (16 KiB card, 2 pages a diff). */
export async function longChain(e: Engine, diffs: number) {
  const vn = fresh('chain');
  const v = await e.openVault(vn);
  const card = new CardModel({ memorySize: 16384, pageSize: 256, seed: 7, version: VERSION });
  const buildMs = await chain(v, card, diffs + 1, 2);
  const newest = diffs + 1;
  const compacted = await timed(5, () => v.restorePlan(card.cardNumber, newest, 'compacted'));
  const replay = await timed(3, () => v.restorePlan(card.cardNumber, newest, 'replay'));
  const firstPage = await timed(5, () => v.timeline(card.cardNumber, { limit: 50 }));
  // The raw floor of the first page: the same 50 rows by one cursor over the backups store.
  const rawFirst = await timed(5, async () => {
    const tx = v.db.transaction('backups');
    const rows: unknown[] = [];
    for (let c = await tx.store.openCursor(null, 'prev'); c && rows.length < 50; c = await c.continue()) rows.push(c.value);
    return rows.length;
  });
  v.close();
  await e.deleteDatabase(vn);
  return {
    backups: newest,
    pages: card.pageCount,
    buildMs,
    compactedPlanMs: compacted.ms,
    replayPlanMs: replay.ms,
    replaySteps: replay.value.mode === 'replay' ? replay.value.steps.length : 0,
    timelineFirstPage: { entries: firstPage.value.length, ...ratio(firstPage.ms, rawFirst.ms) },
  };
}

