/**
 * Running Spin on model/card.pml from tests: `spin -a` + gcc + pan in a temp dir
 * (exhaustive search), `spin -t` for a counterexample's trail, `spin -n<seed> -u<steps>`
 * for random walks. Each model step prints an "@@" line (model/card.pml `report`):
 *   @@ cmd a1 a2 cut sw | counter tries pending value token changed0 changed1 point rflag
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const MODEL = resolve(import.meta.dirname, '../../model/card.pml');
/** Protocol version 2: two cards, the issuer, epochs (docs/model.md "Version 2"). */
export const MODEL_V2 = resolve(import.meta.dirname, '../../model/card-v2.pml');

/** The configuration docs/model.md calls the npm test configuration. */
export const V1 = ['-DMAXSEQ=2', '-DMAXV=1'];
export const V2 = ['-DMAXSEQ=2', '-DMAXV=1', '-DTOKENS', '-DMAXTOK=1'];
/** model/card-v2.pml in the npm test configurations (docs/model.md "Version 2"):
 *  restores (two backups, an authorisation, two epochs, no loads) and value (one
 *  backup, two load tokens, an authorisation, one epoch). */
export const V2_RESTORE = ['-DMAXB=2', '-DMAXTOK=0'];
export const V2_VALUE = ['-DMAXB=1', '-DMAXTOK=2', '-DMAXE=1'];
/** Authorisations: two cards, one backup, two authorisations (the same number or the next, used, replayed, across an epoch change). */
export const V2_AUTH = ['-DMAXB=1', '-DMAXTOK=0', '-DMAXAUTH=2'];
/** Splices: one card, two pages, two backups (records of different backups combined). */
export const V2_SPLICE = ['-DNC=1', '-DNP=2', '-DMAXB=2', '-DMAXTOK=0', '-DMAXAUTH=0', '-DMAXE=1'];

export interface ModelState {
  counter: number;
  tries: number;
  pending: number;
  value: number;
  token: number;
  changed0: number;
  changed1: number;
  point: number;
  rflag: number;
}

export interface Step {
  cmd: number;
  a1: number;
  a2: number;
  cut: number;
  sw: number;
  state: ModelState;
}

export const CMD = {
  verifyOk: 1,
  verifyBad: 2,
  backup: 3,
  backupTransfer: 4,
  backupComplete: 5,
  backupAbort: 6,
  restore: 7,
  restoreTransfer: 8,
  restoreComplete: 9,
  restoreAbort: 10,
  credit: 11,
  debit: 12,
  poke: 13,
  power: 14,
  /** card-v2.pml only: RESTORE P1 01 of backup a1 with authorisation a2 */
  crossRestore: 15,
  /** card-v2.pml only: EPOCH UPDATE with the certificates of epoch a1 */
  epochUpdate: 16,
  /** card-v2.pml only, the issuer: restore authorisation a2 of backup a1 for card `card` */
  authorise: 17,
  /** card-v2.pml only, the issuer: starts epoch a1 (minEpoch a1) */
  newEpoch: 18,
} as const;

export interface PanResult {
  dir: string;
  defines: string[];
  errors: number;
  states: number;
  depth: number;
  memoryMb: number;
  seconds: number;
  /** Text of the violated assertion, when there is one. */
  violated: string | undefined;
}

const run = (cmd: string, args: string[], cwd: string, timeout = 600_000) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });

function workDir(model = MODEL): string {
  const dir = mkdtempSync(join(tmpdir(), 'icvault-model-'));
  copyFileSync(model, join(dir, 'card.pml'));
  return dir;
}

const num = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);

/**
 * Exhaustive safety search (assertions). `maxDepth` bounds pan's DFS stack: with a
 * small bound pan finds a short counterexample first; an exhaustive run uses a bound
 * the model never reaches (pan says "max search depth too small" otherwise: an error).
 */
export function runPan(defines: readonly string[], o: { maxDepth?: number; model?: string; optimise?: boolean } = {}): PanResult {
  const dir = workDir(o.model);
  const t0 = performance.now();
  run('spin', ['-a', ...defines, 'card.pml'], dir);
  // A counterexample search (bounded depth) visits few states: compiling pan without
  // optimisation saves more time than it costs.
  // `optimise: false` for a small exhaustive search (gcc -O2 takes longer than the search).
  run('gcc', [(o.optimise ?? o.maxDepth === undefined) ? '-O2' : '-O0', '-w', '-DSAFETY', '-DNOREDUCE', '-DCOLLAPSE', '-DMEMLIM=2048', '-o', 'pan', 'pan.c'], dir);
  const out = run('./pan', [`-m${o.maxDepth ?? 400_000}`, '-w24'], dir);
  const seconds = (performance.now() - t0) / 1000;
  if (/max search depth too small/.test(out) && o.maxDepth === undefined) throw new Error(`pan: search depth too small\n${out}`);
  if (/out of memory|Warning: Search not completed/.test(out) && !/assertion violated/.test(out)) throw new Error(`pan did not complete\n${out}`);
  return {
    dir,
    defines: [...defines],
    errors: num(out, /errors: (\d+)/),
    states: num(out, /(\d+) states, stored/),
    depth: num(out, /depth reached (\d+)/),
    memoryMb: num(out, /([\d.]+)\s+total actual memory usage/),
    seconds,
    violated: /assertion violated (.*) \(at depth/.exec(out)?.[1],
  };
}

export function parseSteps(text: string): Step[] {
  const steps: Step[] = [];
  for (const line of text.split('\n')) {
    const m = /@@ ([-\d ]+) \| ([-\d ]+)/.exec(line);
    if (!m) continue;
    const [cmd, a1, a2, cut, sw] = (m[1] ?? '').trim().split(/\s+/).map(Number) as [number, number, number, number, number];
    const [counter, tries, pending, value, token, changed0, changed1, point, rflag] = (m[2] ?? '').trim().split(/\s+/).map(Number) as number[] as [
      number, number, number, number, number, number, number, number, number,
    ];
    steps.push({ cmd, a1, a2, cut, sw, state: { counter, tries, pending, value, token, changed0, changed1, point, rflag } });
  }
  return steps;
}

/** The steps of the counterexample pan wrote (spin -t), up to the violating one. */
export function trailSteps(r: PanResult): Step[] {
  return parseSteps(run('spin', ['-t', ...r.defines, 'card.pml'], r.dir));
}

/** A random walk of the model: `steps` transitions from seed `seed`. */
export function randomWalk(defines: readonly string[], seed: number, steps: number): Step[] {
  const dir = workDir();
  return parseSteps(run('spin', [`-n${seed}`, `-u${steps}`, ...defines, 'card.pml'], dir));
}

/**
 * A random simulation of a model (spin -n<seed> -u<depth>): Spin checks every assertion
 * along the walk. For configurations too big for an exhaustive search (a sample, not a
 * proof). Answers the number of commands played and the failed assertion, if any.
 */
export function simulate(defines: readonly string[], seed: number, depth: number, model = MODEL): { commands: number; violated: string | undefined } {
  const dir = workDir(model);
  let out: string;
  try {
    out = run('spin', [`-n${seed}`, `-u${depth}`, ...defines, 'card.pml'], dir);
  } catch (e) {
    // spin exits non-zero on a failed assertion; its output still tells which
    const x = e as { stdout?: string };
    out = x.stdout ?? '';
  }
  return {
    commands: (out.match(/@@/g) ?? []).length,
    violated: /text of failed assertion: (.*)/.exec(out)?.[1],
  };
}

/** A step of model/card-v2.pml: the card it went to, then as card.pml's. */
export interface StepV2 {
  card: number;
  cmd: number;
  a1: number;
  a2: number;
  cut: number;
  sw: number;
  state: {
    counter: number;
    tries: number;
    pending: number;
    page0: number;
    changed0: number;
    point: number;
    value: number;
    loadCounter: number;
    spendCounter: number;
    authorisationCounter: number;
    epoch: number;
    minEpoch: number;
  };
}

/** The "@@" lines of model/card-v2.pml (`report`). */
export function parseStepsV2(text: string): StepV2[] {
  const steps: StepV2[] = [];
  for (const line of text.split('\n')) {
    const m = /@@ ([-\d ]+) \| ([-\d ]+)/.exec(line);
    if (!m) continue;
    const head = (m[1] ?? '').trim().split(/\s+/).map(Number);
    const st = (m[2] ?? '').trim().split(/\s+/).map(Number);
    if (head.length !== 6 || st.length !== 12) throw new Error(`not a card-v2.pml step: ${line}`);
    const [card, cmd, a1, a2, cut, sw] = head as [number, number, number, number, number, number];
    const [counter, tries, pending, page0, changed0, point, value, loadCounter, spendCounter, authorisationCounter, epoch, minEpoch] = st as [
      number, number, number, number, number, number, number, number, number, number, number, number,
    ];
    steps.push({ card, cmd, a1, a2, cut, sw, state: { counter, tries, pending, page0, changed0, point, value, loadCounter, spendCounter, authorisationCounter, epoch, minEpoch } });
  }
  return steps;
}

/** A random walk of model/card-v2.pml. */
export function randomWalkV2(defines: readonly string[], seed: number, steps: number): StepV2[] {
  const dir = workDir(MODEL_V2);
  return parseStepsV2(run('spin', [`-n${seed}`, `-u${steps}`, ...defines, 'card.pml'], dir));
}

/** The steps of a card-v2.pml counterexample pan wrote (spin -t), up to the violating one. */
export function trailStepsV2(r: PanResult): StepV2[] {
  return parseStepsV2(run('spin', ['-t', ...r.defines, 'card.pml'], r.dir));
}

/**
 * The command a card-v2.pml counterexample fails in, when its assertion sits inside the
 * step (before the step's "@@" line): the card, command and arguments of the step, from
 * the globals spin -t prints where the trail ends.
 */
export function violatingCommandV2(r: PanResult): { card: number; cmd: number; a1: number; a2: number } {
  const out = run('spin', ['-t', ...r.defines, 'card.pml'], r.dir);
  const g = (name: string) => {
    const m = new RegExp(`^\\s+${name} = (-?\\d+)$`, 'm').exec(out);
    if (!m) throw new Error(`spin -t printed no ${name}`);
    return Number(m[1]);
  };
  return { card: g('c'), cmd: g('cmd'), a1: g('a1'), a2: g('a2') };
}
