// Spin over model/card.pml (docs/model.md) as a benchmark row: states explored, depth
// reached, memory and seconds of an exhaustive search, for the npm test configuration
// of docs/model.md: v1 (loads by PIN) and v2 (loads by issuer tokens), two backups each.
// (Three backups do not fit pan's 2 GB limit: docs/model.md "A bigger configuration".)
// test/model asserts the properties; this records the figures in bench/results.json.
import type { BenchEntry, BenchRow } from '../run.ts';
import { runPan, V1, V2 } from '../../test/model/spin.ts';

const CONFIGS: readonly [string, readonly string[]][] = [
  ['v1 maxseq 2 maxv 1', V1],
  ['v2 maxseq 2 maxv 1 maxtok 1', V2],
];

const entry: BenchEntry = {
  name: 'model',
  run() {
    const rows: BenchRow[] = [];
    const result: Record<string, { states: number; depth: number; memoryMb: number; seconds: number; errors: number }> = {};
    for (const [config, defines] of CONFIGS) {
      const r = runPan(defines);
      result[config] = { states: r.states, depth: r.depth, memoryMb: r.memoryMb, seconds: Number(r.seconds.toFixed(1)), errors: r.errors };
      rows.push({ config, states: r.states, depth: r.depth, memoryMb: r.memoryMb, seconds: r.seconds, errors: r.errors });
    }
    return Promise.resolve({ result, rows });
  },
};

export default entry;
