/**
 * Vitest wrapper of suite.ts: one test per chunk of cut points (so no single test runs
 * for minutes), then one that checks every write index of the flow was cut and prints
 * the count. Each flow family has its own test file so Vitest runs them in parallel.
 */
import { describe, expect, it } from 'vitest';
import { makeFlows } from './flows.ts';
import { tearFlow, writesOf } from './suite.ts';

const CHUNK = 2500;
// A chunk of restore cuts takes tens of seconds; behaviour is asserted, never time.
const CHUNK_TIMEOUT_MS = 600_000;

export function tearingSuite(names: readonly string[]): void {
  const flows = makeFlows().filter((f) => names.includes(f.name));
  if (flows.length !== names.length) throw new Error(`unknown flow in ${names.join(', ')}`);
  describe('power cut at every byte write', () => {
    for (const flow of flows) {
      const n = writesOf(flow);
      const tally = { cases: 0, passed: 0 };
      for (let from = 0; from < n; from += CHUNK) {
        const to = Math.min(n, from + CHUNK);
        it(
          `${flow.name}: cut before write ${from}..${to - 1} of ${n}`,
          () => {
            const r = tearFlow(flow, from, to);
            tally.cases += r.cases;
            tally.passed += r.passed;
            console.log(`tearing: ${flow.name} [${from}, ${to}): ${r.cases} cases, ${r.passed} passed, outcomes ${JSON.stringify(r.outcomes)}`);
            expect(r.failures).toEqual([]);
            expect(r.cases).toBe(to - from);
            expect(r.passed).toBe(r.cases);
          },
          CHUNK_TIMEOUT_MS,
        );
      }
      it(`${flow.name}: all ${n} write indexes were cut`, () => {
        console.log(`tearing: ${flow.name}: ${tally.cases} cases run, ${tally.passed} passed`);
        expect(tally).toEqual({ cases: n, passed: n });
      });
    }
  });
}
