// `npm run bench`: runs every benchmark in bench/entries/, prints one table, and
// writes bench/results.json. Benchmarks measure; tests never assert timings.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type BenchRow = Record<string, string | number | boolean>;
export interface BenchEntry {
  /** key in bench/results.json */
  name: string;
  run(): Promise<{ result: unknown; rows: BenchRow[] }>;
}

const here = dirname(fileURLToPath(import.meta.url));
const entriesDir = join(here, 'entries');
const only = process.argv.slice(2);
const files = readdirSync(entriesDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();

const results: Record<string, unknown> = {};
const table: BenchRow[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(entriesDir, f)).href)) as { default: BenchEntry };
  const entry = mod.default;
  if (only.length > 0 && !only.includes(entry.name)) continue;
  process.stderr.write(`bench: ${entry.name}…\n`);
  const { result, rows } = await entry.run();
  results[entry.name] = result;
  for (const r of rows) table.push({ bench: entry.name, ...r });
}

const keys = [...new Set(table.flatMap((r) => Object.keys(r)))];
const cell = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v ?? ''));
const widths = keys.map((k) => Math.max(k.length, ...table.map((r) => cell(r[k]).length)));
const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ');
console.log(line(keys));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of table) console.log(line(keys.map((k) => cell(r[k]))));

const out = join(here, 'results.json');
// A filtered run (`npm run bench -- reader`) keeps the other entries already on file.
const previous: Record<string, unknown> =
  only.length > 0 && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
const payload = { ...previous, generatedAt: new Date().toISOString(), node: process.version, ...results };
writeFileSync(out, JSON.stringify(payload, null, 2) + '\n');
console.log(`\nwrote ${out}`);
