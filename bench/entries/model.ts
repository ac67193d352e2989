// Spin over model/card.pml (docs/model.md) as a benchmark row: states explored, depth
// reached, memory and seconds of an exhaustive search, for the npm test configuration
// (v1 loads by PIN, two backups) and a bigger one (three backups, v2 load tokens).
// test/model asserts the properties; this records the figures in bench/results.json.
import type { BenchEntry, BenchRow } from '../run.ts';
import { runPan, V1 } from '../../test/model/spin.ts';

const CONFIGS: readonly [string, readonly string[]][] = [
  ['v1 maxseq 2 maxv 1', V1],
  ['v2 maxseq 3 maxv 1 maxtok 1', ['-DMAXSEQ=3', '-DMAXV=1', '-DTOKENS', '-DMAXTOK=1']],
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
