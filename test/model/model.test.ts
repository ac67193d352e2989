/**
 * Spin over model/card.pml (docs/model.md): the clean model passes an exhaustive search
 * of the npm test configuration, v1 (the card in the tree: loads by PIN) and v2 (loads
 * by issuer tokens); each seeded bug (a -D switch of the model) yields a counterexample
 * of the property that names it.
 */
import { describe, expect, it } from 'vitest';
import { runPan, V1, V2, type PanResult } from './spin.ts';

const show = (name: string, r: PanResult) =>
  console.log(`model ${name}: ${r.states} states, depth ${r.depth}, ${r.memoryMb} MB, ${r.seconds.toFixed(1)} s, errors ${r.errors}${r.violated ? `: ${r.violated}` : ''}`);

describe('model/card.pml, clean', () => {
  // card.pml's v2 tokens (-DTOKENS) are searched exhaustively no more: model/card-v2.pml's
  // value configuration models version 2's tokens as the card has them (docs/model.md)
  it.each([['v1', V1]])('%s: every reachable state keeps every property (exhaustive)', (name, defines) => {
    const r = runPan(defines);
    show(name, r);
    expect(r.violated).toBeUndefined();
    expect(r.errors).toBe(0);
    expect(r.states).toBeGreaterThan(100_000);
  });
});

/** Seeded bug, configuration, and the assertion (docs/model.md property) that must fail. */
const MUTANTS: readonly [string, readonly string[], RegExp][] = [
  ['F1_ESCAPE (P_MEMORY)', [...V1, '-DF1_ESCAPE'], /mem\[i\]==snap/],
  ['F1_ESCAPE (P_DIFF alone)', ['-DMAXSEQ=3', '-DMAXV=1', '-DF1_ESCAPE', '-DNO_P_MEMORY'], /changed\[i\]\|\|\(mem\[i\]==snap/],
  ['SKIP_COUNTER (P_MONO: fresh seq)', [...V1, '-DSKIP_COUNTER'], /a2>issued/],
  ['FLAG_EARLY (P_HALF)', [...V1, '-DFLAG_EARLY'], /!\(half\)/],
  ['TOKEN_REUSE (P_ONCE)', [...V2, '-DTOKEN_REUSE'], /used\[a1\]|slack>=0/],
  ['NO_PIN (P_VALUE)', [...V1, '-DNO_PIN'], /slack>=0/],
  ['PIN_LATE (P_PIN_ONCE)', [...V1, '-DPIN_LATE'], /guesses\+tries/],
];

describe('model/card.pml, seeded bugs', () => {
  it.each(MUTANTS)('%s is caught', (name, defines, assertion) => {
    const r = runPan(defines, { maxDepth: 400 });
    show(name, r);
    expect(r.errors).toBeGreaterThan(0);
    expect(r.violated).toMatch(assertion);
  });
});
