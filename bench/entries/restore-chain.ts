// restoreChain: what restoring the newest point of a 1 full + 200 diff chain costs on
// the wire, compacted (each page once, from its newest copy) against the patent's
// replay of every backup in order (claim 15), on a 64 KiB card with 256-byte pages.
// Wire bytes are every command and response byte of the whole restore flow (GET DATA,
// VERIFY, RESTORE, transfers, COMPLETE, the read-back), counted at the transport.
// "Distinct page bytes" are the sealed copies of the point's distinct pages (content +
// 16-byte GCM-SIV tag): the least any restore must carry. Target: compacted <= 1.05 x that.
import { restore, type RestoreOptions } from '../../src/host/index.ts';
import { recordBytes } from '../../src/protocol/backup-format.ts';
import { buildChain } from '../../test/host/chain.ts';
import { CARD_A, CARD_B, demoAuthority, direct, makeCard, PIN, restorable, vaultFactory } from '../../test/host/fixture.ts';
import type { BenchEntry, BenchRow } from '../run.ts';

const DIFFS = 200;

async function run(): Promise<{ result: unknown; rows: BenchRow[] }> {
  const card = makeCard(CARD_A, { memorySize: 64 * 1024 });
  const vault = await vaultFactory().open();
  const chain = await buildChain(card, direct(card, { extendedLength: true }), vault, { diffs: DIFFS, seed: 2002 });
  const point = chain.last;
  const plan = await vault.restorePlan(CARD_A, point, 'compacted');
  if (plan.mode !== 'compacted') throw new Error('unexpected plan');
  const pageSize = plan.fields.pageSize;
  const distinctPages = plan.pages;
  const distinctPageBytes = plan.sealedBytes;
  const replayPlan = await vault.restorePlan(CARD_A, point, 'replay');
  const replayPages = replayPlan.mode === 'replay' ? replayPlan.pages : 0;

  const measure = async (label: string, o: { mode: 'compacted' | 'replay'; extendedLength: boolean; other?: boolean }) => {
    const target = o.other ? makeCard(CARD_B) : card;
    const t = direct(target, { extendedLength: o.extendedLength });
    const opts: RestoreOptions = { pin: PIN, card: CARD_A, seq: point, mode: o.mode, ...(o.other ? { target: 'other' as const, authority: demoAuthority } : {}) };
    const started = performance.now();
    const r = await restore(t, vault, opts);
    const ms = performance.now() - started;
    const equal = restorable(target).every((b, i) => b === chain.points.get(point)?.[i]);
    if (!equal) throw new Error(`${label}: memory differs from the point`);
    return { label, mode: o.mode, link: o.extendedLength ? 'extended' : 'short+chaining', target: o.other ? 'second card' : 'same card', wireBytes: t.bytes, apdus: t.apdus, steps: r.steps, pagesSent: r.pages, ratio: t.bytes / distinctPageBytes, ms };
  };

  const runs = [
    await measure('compacted', { mode: 'compacted', extendedLength: true }),
    await measure('replayed', { mode: 'replay', extendedLength: true }),
    await measure('compacted, short link', { mode: 'compacted', extendedLength: false }),
    await measure('replayed, short link', { mode: 'replay', extendedLength: false }),
    await measure('compacted, second card', { mode: 'compacted', extendedLength: true, other: true }),
  ];
  vault.close();
  const byLabel = Object.fromEntries(runs.map((r) => [r.label, r]));
  const compacted = byLabel['compacted'] as (typeof runs)[number];
  const replayed = byLabel['replayed'] as (typeof runs)[number];
  const result = {
    chain: { full: 1, diffs: DIFFS, memorySize: 64 * 1024, pageSize, seed: 2002 },
    distinctPages,
    distinctPageBytes,
    plainPageBytes: distinctPages * pageSize,
    recordBytes: recordBytes(pageSize),
    replayPagesCarried: replayPages,
    compacted: { wireBytes: compacted.wireBytes, apdus: compacted.apdus, ratioToDistinct: compacted.ratio },
    replayed: { wireBytes: replayed.wireBytes, apdus: replayed.apdus, ratioToDistinct: replayed.ratio },
    target: 1.05,
    meetsTarget: compacted.ratio <= 1.05,
    runs: runs.map(({ ms: _ms, ...r }) => r),
  };
  const rows: BenchRow[] = runs.map((r) => ({
    case: r.label,
    wireBytes: r.wireBytes,
    apdus: r.apdus,
    steps: r.steps,
    pagesSent: r.pagesSent,
    'x distinct': r.ratio,
    ms: Math.round(r.ms),
  }));
  rows.push({ case: `distinct pages of seq ${point}`, wireBytes: distinctPageBytes, apdus: 0, steps: 0, pagesSent: distinctPages, 'x distinct': 1, ms: 0 });
  return { result, rows };
}

const entry: BenchEntry = { name: 'restoreChain', run };
export default entry;
