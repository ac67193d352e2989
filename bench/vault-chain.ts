// The long-chain figures of issue 15 (restore plans and the first timeline page on
// 1 full + 10,000 diffs), shared by the Node run and the Chromium run like
// bench/vault-measure.ts, whose helpers it uses. No Node or DOM APIs here.
import { chain, fresh, ms, ratio, timed, VERSION, type Engine } from './vault-measure.ts';
import { CardModel } from '../test/vault/card-model.ts';
import type { ReplayPlan, Vault } from '../src/vault/index.ts';

/** Every step's records read as the host reads them while it restores: 64 steps per read. */
async function readAllSteps(v: Vault, plan: ReplayPlan): Promise<number> {
  let records = 0;
  for (let from = 0; from < plan.steps.length; from += 64) {
    for (const s of await v.replaySteps(plan, from, Math.min(from + 64, plan.steps.length))) records += s.segment.records.length;
  }
  return records;
}

const replay = async (v: Vault, card: string, seq: number) => (await v.restorePlan(card, seq, 'replay')) as ReplayPlan;

/** Restore plans and the first timeline page on 1 full + 10,000 diffs (16 KiB card, 2 pages a diff). */
export async function longChain(e: Engine, diffs: number) {
  const vn = fresh('chain');
  const v = await e.openVault(vn);
  const card = new CardModel({ memorySize: 16384, pageSize: 256, seed: 7, version: VERSION });
  const buildMs = await chain(v, card, diffs + 1, 2);
  const newest = diffs + 1;
  const cn = card.cardNumber;
  const compacted = await timed(5, () => v.restorePlan(cn, newest, 'compacted'));
  // The first replay plan of the card builds its kept links from every backup row; the
  // ones after it read them (one value) and check the chain is still held.
  const t0 = performance.now();
  await replay(v, cn, newest);
  const replayFirstMs = ms(t0);
  const planned = await timed(5, () => replay(v, cn, newest));
  const readAll = await timed(3, async () => readAllSteps(v, await replay(v, cn, newest)));
  // What the replay plan read before issue 15's change, as raw requests: every backup row
  // and every pack of the range, in one transaction (the plan also sliced every record).
  const everyRow = await timed(3, async () => {
    const tx = v.db.transaction(['backups', 'packs']);
    const range = IDBKeyRange.bound([cn, 0], [cn, newest]);
    const [rows, packs] = await Promise.all([tx.objectStore('backups').getAll(range), tx.objectStore('packs').getAll(range)]);
    return rows.length + packs.length;
  });
  const firstPage = await timed(5, () => v.timeline(cn, { limit: 50 }));
  // The raw floor of the first page: the same 50 rows by one cursor over the backups store.
  const rawFirst = await timed(5, async () => {
    const tx = v.db.transaction('backups');
    const rows: unknown[] = [];
    for (let c = await tx.store.openCursor(null, 'prev'); c && rows.length < 50; c = await c.continue()) rows.push(c.value);
    return rows.length;
  });
  // One more diff, then its plan: the kept links are appended from the one new row.
  const b = card.next('diff', 2);
  await v.commitBackup(b.input);
  await v.confirmBackup(b.card, b.seq);
  const t1 = performance.now();
  const after = await replay(v, cn, b.seq);
  const replayAfterBackupMs = ms(t1);
  v.close();
  await e.deleteDatabase(vn);
  return {
    backups: newest,
    pages: card.pageCount,
    buildMs,
    compactedPlanMs: compacted.ms,
    replayPlanMs: planned.ms,
    replaySteps: planned.value.steps.length,
    replayFirstPlanMs: replayFirstMs,
    replayAfterBackupMs,
    replayAfterBackupSteps: after.steps.length,
    replayPlanAndReadAllMs: readAll.ms,
    replayRecordsRead: readAll.value,
    rawEveryRowAndPackMs: everyRow.ms,
    timelineFirstPage: { entries: firstPage.value.length, ...ratio(firstPage.ms, rawFirst.ms) },
  };
}
