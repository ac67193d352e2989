// Spin over model/card.pml (docs/model.md) as a benchmark row: states explored, depth
// reached, memory and seconds of an exhaustive search, for the npm test configuration
// of docs/model.md: model/card.pml v1 (loads by PIN) and with tokens, two backups each,
// and model/card-v2.pml (protocol version 2, two cards): restores and value.
// (Bigger configurations do not fit CI's time: docs/model.md "A bigger configuration".)
// test/model asserts the properties; this records the figures in bench/results.json.
import type { BenchEntry, BenchRow } from '../run.ts';
import { MODEL, MODEL_V2, runPan, V1, V2, V2_RESTORE, V2_SPLICE, V2_VALUE } from '../../test/model/spin.ts';

const CONFIGS: readonly [string, string, readonly string[]][] = [
  ['v1 maxseq 2 maxv 1', MODEL, V1],
  ['v2 maxseq 2 maxv 1 maxtok 1', MODEL, V2],
  ['card-v2 restores: 2 cards, maxb 2, 1 authorisation, 2 epochs', MODEL_V2, V2_RESTORE],
  ['card-v2 value: 2 cards, maxb 1, 2 tokens, 1 authorisation', MODEL_V2, V2_VALUE],
  ['card-v2 splices: 1 card, 2 pages, maxb 2', MODEL_V2, V2_SPLICE],
];

const entry: BenchEntry = {
  name: 'model',
  run() {
    const rows: BenchRow[] = [];
    const result: Record<string, { states: number; depth: number; memoryMb: number; seconds: number; errors: number }> = {};
    for (const [config, model, defines] of CONFIGS) {
      const r = runPan(defines, { model });
      result[config] = { states: r.states, depth: r.depth, memoryMb: r.memoryMb, seconds: Number(r.seconds.toFixed(1)), errors: r.errors };
      rows.push({ config, states: r.states, depth: r.depth, memoryMb: r.memoryMb, seconds: r.seconds, errors: r.errors });
    }
    return Promise.resolve({ result, rows });
  },
};

export default entry;
