/**
 * Spin over model/card-v2.pml (protocol version 2: two cards, the issuer's load tokens,
 * restore authorisations and epochs; docs/model.md "Version 2"): the clean model passes
 * an exhaustive search of both npm test configurations; each seeded bug (a -D switch)
 * yields a counterexample of the property that names it.
 */
import { describe, expect, it } from 'vitest';
import { MODEL_V2, runPan, simulate, V2_AUTH, V2_RESTORE, V2_SPLICE, V2_VALUE, type PanResult } from './spin.ts';

const show = (name: string, r: PanResult) =>
  console.log(`model v2 ${name}: ${r.states} states, depth ${r.depth}, ${r.memoryMb} MB, ${r.seconds.toFixed(1)} s, errors ${r.errors}${r.violated ? `: ${r.violated}` : ''}`);

describe('model/card-v2.pml, clean', () => {
  it.each([
    ['restores', V2_RESTORE],
    ['value', V2_VALUE],
    ['authorisations', V2_AUTH],
    ['splices (one card, two pages)', V2_SPLICE],
  ])('%s: every reachable state keeps every property (exhaustive)', (name, defines) => {
    const r = runPan(defines, { model: MODEL_V2 });
    show(name, r);
    expect(r.violated).toBeUndefined();
    expect(r.errors).toBe(0);
    expect(r.states).toBeGreaterThan(100_000);
  });
});

/** Three cards, so that an authorisation's target and its chain head can be told apart. */
const THREE = ['-DNC=3', '-DMAXB=1', '-DMAXTOK=0', '-DMAXE=1'];

const AUTH = /\(atarget\[a2\]==c\)&&\(ahead\[a2\]==a1\)\)&& !\(aused\[a2\]\)/;
const TOKEN = /\(tcard\[a1\]==c\)&& !\(tused\[a1\]\)/;

/** Seeded bug, configuration, DFS depth bound, and the assertion (docs/model.md property) that must fail. */
const MUTANTS: readonly [string, readonly string[], number, RegExp][] = [
  ['F1_ESCAPE (P_MEMORY)', [...V2_RESTORE, '-DF1_ESCAPE'], 1000, /mem\[.*\]==snap\[/],
  ['F1_ESCAPE (P_DIFF alone)', [...V2_RESTORE, '-DF1_ESCAPE', '-DNO_P_MEMORY'], 1000, /changed\[.*\]\|\|\(mem\[.*\]==snap\[\(\(point\[j\]/],
  ['SKIP_COUNTER (P_MONO: fresh seq)', [...V2_RESTORE, '-DSKIP_COUNTER'], 400, /bseq\[a2\]>issued\[c\]/],
  // FLAG_EARLY writes the point before the pages: a cut between leaves memory that is not
  // its point's, so P_DIFF catches it too (pan's first trail); P_HALF alone without P_DIFF
  ['FLAG_EARLY (P_DIFF)', [...V2_RESTORE, '-DFLAG_EARLY'], 400, /changed\[.*\]\|\|\(mem\[.*\]==snap\[\(\(point\[j\]/],
  ['FLAG_EARLY (P_HALF alone)', [...V2_RESTORE, '-DFLAG_EARLY', '-DNO_P_DIFF'], 400, /!\(half\[c\]\)/],
  ['PIN_LATE (P_PIN_ONCE)', [...V2_RESTORE, '-DPIN_LATE'], 400, /guesses\[j\]\+tries\[j\]/],
  ['AUTH_NO_MOVE: authorisation counter not moved (P_AUTH_ONCE)', [...V2_RESTORE, '-DAUTH_NO_MOVE'], 400, AUTH],
  ['AUTH_ANY_HEAD: chain head not checked (P_AUTH_ONCE)', [...V2_RESTORE, '-DAUTH_ANY_HEAD'], 400, AUTH],
  ['AUTH_ANY_TARGET: target card not checked (P_AUTH_ONCE)', [...THREE, '-DAUTH_ANY_TARGET'], 400, AUTH],
  ['AUTH_BURN: a refused authorisation moves the counter (P_AUTH_COUNT)', [...V2_RESTORE, '-DAUTH_BURN'], 400, /authctr\[j\]<=aacc\[j\]/],
  ['EPOCH_BACK: an older epoch certificate taken (P_MONO: epoch never goes back)', [...V2_RESTORE, '-DEPOCH_BACK'], 400, /epoch\[j\]>=pepoch\[j\]/],
  ['MINEPOCH_OFF: minEpoch not enforced (P_EPOCH)', [...V2_RESTORE, '-DMINEPOCH_OFF'], 400, /bepoch\[a1\]>=minep\[c\]/],
  ['LOAD_NO_CHECK: load counter not checked (P_TOKEN_ONCE)', [...V2_VALUE, '-DLOAD_NO_CHECK'], 400, TOKEN],
  ['LOAD_NO_MOVE: load counter not moved (P_TOKEN_ONCE)', [...V2_VALUE, '-DLOAD_NO_MOVE'], 400, TOKEN],
  ['LOAD_SPLIT: load counter in a second group, a cut skips it (P_TOKEN_ONCE)', [...V2_VALUE, '-DLOAD_SPLIT'], 400, TOKEN],
  ['SPEND_NO_MOVE: spend counter not moved (P_RECEIPT)', [...V2_VALUE, '-DSPEND_NO_MOVE'], 400, /spendctr\[c\]>receipt\[c\]/],
  ['VALUE_RESTORED: value restored from the backup (P_KEEP)', [...V2_VALUE, '-DVALUE_RESTORED'], 400, /val\[c\]==uv/],
  ['VALUE_CROSS: source value carried into another card (P_KEEP)', [...V2_VALUE, '-DVALUE_CROSS'], 400, /val\[c\]==uv/],
  ['VALUE_RESTORED with P_KEEP off (P_VALUE)', [...V2_VALUE, '-DVALUE_RESTORED', '-DNO_P_KEEP'], 400, /slack>=0/],
  ['NO_MAP_CHECK: a spliced older record accepted (P_MEMORY)', [...V2_SPLICE, '-DNO_MAP_CHECK'], 1000, /mem\[.*\]==snap\[/],
];

describe('model/card-v2.pml, seeded bugs', () => {
  it.each(MUTANTS)('%s is caught', (name, defines, maxDepth, assertion) => {
    const r = runPan(defines, { maxDepth, model: MODEL_V2 });
    show(name, r);
    expect(r.errors).toBeGreaterThan(0);
    expect(r.violated).toMatch(assertion);
  });

  it('the three-card configuration is clean without the bug (the catch is the bug)', () => {
    const r = runPan(THREE, { model: MODEL_V2, optimise: false });
    show('three cards', r);
    expect(r.errors).toBe(0);
    expect(r.violated).toBeUndefined();
  });
});

/** Every card makes backups, restores and receives restores; its PIN is checked; more of everything. */
const BIG = ['-DANYROLE', '-DPIN_TARGET', '-DMAXB=4', '-DMAXTOK=3', '-DMAXAUTH=2', '-DMAXV=2', '-DTRIES=3'];

describe('model/card-v2.pml, random walks of a bigger configuration (a sample, not a proof)', () => {
  it.each([1, 2, 3, 4, 5, 6])('seed %i: no property fails along the walk', (seed) => {
    const r = simulate(BIG, seed, 200_000, MODEL_V2);
    expect(r.violated).toBeUndefined();
    expect(r.commands).toBeGreaterThan(1000);
  });

  it('the same walk finds a seeded bug (the check can fail)', () => {
    const r = simulate([...BIG, '-DLOAD_NO_MOVE'], 3, 200_000, MODEL_V2);
    expect(r.violated).toMatch(/tused\[a1\]/);
  });
});
