// The fault-injection suite (test/tearing) as a benchmark row: a power cut at every
// byte write of each flow, cases run and passed per flow. Tests assert the behaviour;
// this records the counts in bench/results.json.
import type { BenchEntry, BenchRow } from '../run.ts';
import { makeFlows } from '../../test/tearing/flows.ts';
import { tearFlow } from '../../test/tearing/suite.ts';

const entry: BenchEntry = {
  name: 'tearing',
  run() {
    const rows: BenchRow[] = [];
    const flows: Record<string, { cases: number; passed: number }> = {};
    let cases = 0;
    let passed = 0;
    for (const flow of makeFlows()) {
      const t0 = performance.now();
      const r = tearFlow(flow);
      const seconds = (performance.now() - t0) / 1000;
      flows[r.name] = { cases: r.cases, passed: r.passed };
      cases += r.cases;
      passed += r.passed;
      rows.push({ flow: r.name, cases: r.cases, passed: r.passed, seconds });
    }
    return Promise.resolve({ result: { cases, passed, flows }, rows });
  },
};

export default entry;
