// Vault figures in Chromium's own IndexedDB (not fake-indexeddb): bench/browser/ with
// ?suite=vault, served by Vite on a free port and driven by Playwright. Each figure is a
// ratio to the raw IndexedDB request of the same bytes in the same page and run
// (bench/vault-measure.ts). `npx tsx bench/run.ts vault`; `VAULT_BENCH_ONLY=full,diff`
// runs a subset.
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { chromiumExecutable } from '../../e2e/chromium-path.ts';
import { serveBrowserPages } from '../browser/serve.ts';
import type { BenchEntry, BenchRow } from '../run.ts';

interface R {
  vaultMs: number;
  rawMs: number;
  ratio: number;
}
interface Suite {
  engine: string;
  crossOriginIsolated?: boolean;
  fullBackup?: Record<'64KiB' | '1MiB' | '8MiB', R & { bytes: number; pages: number; floor?: R }>;
  diff5pc1MiB?: R & { pages: number };
  chain10k?: {
    backups: number;
    compactedPlanMs: number;
    replayPlanMs: number;
    replaySteps: number;
    replayFirstPlanMs?: number;
    replayAfterBackupMs?: number;
    replayPlanAndReadAllMs?: number;
    rawEveryRowAndPackMs?: number;
    buildMs: number;
    timelineFirstPage: R & { entries: number };
  };
  verify1000?: R & { backups: number; findings: number; partialTenthMs: number; everySignature: R; storedFloor?: R };
  verify1000v1?: R & { backups: number; findings: number; partialTenthMs: number; storedFloor?: R };
  exportImport100?: { backups: number; fileBytes: number; export: R; import: R; exportFloor?: R; importFloor?: R; importValuesFloor?: R; importValues?: number };
}

export async function runInChromium(only?: string): Promise<Suite> {
  const served = await serveBrowserPages();
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${served.base}/bench/browser/index.html?suite=vault${only ? `&only=${only}` : ''}`);
    const state = page.locator('#state[data-done]');
    await state.waitFor({ timeout: 30 * 60_000 });
    const text = (await state.textContent()) ?? '';
    if ((await state.getAttribute('data-done')) !== 'ok') throw new Error(`vault bench page failed: ${text}`);
    return JSON.parse(text) as Suite;
  } finally {
    await browser.close();
    await served.close();
  }
}

function previousSuite(): Partial<Suite> {
  const file = new URL('../results.json', import.meta.url);
  if (!existsSync(file)) return {};
  return ((JSON.parse(readFileSync(file, 'utf8')) as { vault?: Partial<Suite> }).vault ?? {});
}

const row = (what: string, r: R, goal: string): BenchRow => ({ case: what, ms: r.vaultMs, rawMs: r.rawMs, ratio: r.ratio, goal, engine: 'chromium' });

const entry: BenchEntry = {
  name: 'vault',
  async run() {
    const only = process.env.VAULT_BENCH_ONLY;
    const measured = await runInChromium(only);
    // The 2 ms references need the fine clock (serve.ts); a coarse one would make their ratios noise.
    if (!measured.crossOriginIsolated) throw new Error('vault bench: the page is not cross-origin isolated, so its clock ticks in 0.1 ms (serve.ts sends COOP and COEP)');
    // A subset run keeps the vault figures already on file that it did not measure again.
    const s: Suite = only ? { ...previousSuite(), ...measured } : measured;
    const rows: BenchRow[] = [];
    if (s.fullBackup) {
      for (const [size, goal] of [['64KiB', '-'], ['1MiB', '<= 1.5x'], ['8MiB', '<= 1.5x']] as const) {
        const r = s.fullBackup[size];
        rows.push(row(`full backup, ${size.replace('KiB', ' KiB').replace('MiB', ' MiB')} card (vs one raw put)`, r, goal));
        if (r.floor) rows.push(row('  floor: copy the records into one buffer + the raw put, SHA-256 while the engine stores it', r.floor, '-'));
      }
    }
    if (s.diff5pc1MiB) rows.push(row(`5% diff of 1 MiB, ${s.diff5pc1MiB.pages} pages (vs one raw put)`, s.diff5pc1MiB, '-'));
    if (s.chain10k) {
      rows.push({ case: `compacted restore plan, 1 full + 10,000 diffs`, ms: s.chain10k.compactedPlanMs, goal: '< 50 ms', engine: 'chromium' });
      const c = s.chain10k;
      rows.push({ case: `replay restore plan, 1 full + 10,000 diffs (${c.replaySteps} steps; the card's links kept)`, ms: c.replayPlanMs, goal: '< 50 ms', engine: 'chromium' });
      if (c.replayFirstPlanMs !== undefined) rows.push({ case: '  the first replay plan of the card (its links built from every backup row)', ms: c.replayFirstPlanMs, goal: '-', engine: 'chromium' });
      if (c.replayAfterBackupMs !== undefined) rows.push({ case: '  the replay plan right after one more backup (links appended)', ms: c.replayAfterBackupMs, goal: '-', engine: 'chromium' });
      if (c.replayPlanAndReadAllMs !== undefined) rows.push({ case: "  the plan plus reading every step's records (64 steps a read, as the host sends them)", ms: c.replayPlanAndReadAllMs, goal: '-', engine: 'chromium' });
      if (c.rawEveryRowAndPackMs !== undefined) rows.push({ case: '  raw getAll of every backup row and pack of the range (what the replay plan read before)', ms: c.rawEveryRowAndPackMs, goal: '-', engine: 'chromium' });
      rows.push(row('timeline first page (50) of 10,001 (vs raw cursor of 50 rows)', s.chain10k.timelineFirstPage, '-'));
    }
    if (s.verify1000) {
      rows.push(row('verify 1,000 version-2 backups (vs raw read + SHA-256 of the same packs)', s.verify1000, '<= 2x'));
      rows.push(row("  the same, signatures: 'every' (one Ed25519 check per header)", s.verify1000.everySignature, '-'));
      if (s.verify1000.storedFloor) rows.push(row('  floor: raw getAll of the rows and page maps + the raw read + SHA-256 of the packs', s.verify1000.storedFloor, '-'));
    }
    if (s.verify1000v1) rows.push(row('verify 1,000 version-1 backups, no signatures (same raw floor)', s.verify1000v1, '<= 2x'));
    if (s.exportImport100) {
      const x = s.exportImport100;
      rows.push(row(`export 100 backups, ${x.fileBytes} bytes (vs raw read of the file)`, x.export, '<= 2x'));
      if (x.exportFloor) rows.push(row('  floor: raw getAll of the stored rows, page maps and packs + SHA-256 of the file', x.exportFloor, '-'));
      rows.push(row('import 100 backups (vs raw put of the file)', x.import, '<= 2x'));
      if (x.importFloor) rows.push(row('  floor: 100 Ed25519 checks + SHA-256 of the file + the raw put', x.importFloor, '-'));
      if (x.importValuesFloor) rows.push(row(`  the same with raw puts of the ${x.importValues ?? '?'} values an import writes instead of the file`, x.importValuesFloor, '-'));
    }
    return { result: s, rows };
  },
};

export default entry;
