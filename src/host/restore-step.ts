/**
 * One RESTORE session on the card: RESTORE (header, wrapped key, maybe the issuer's
 * authorisation), the records packed into as few RESTORE DATA TRANSFER commands as the
 * link allows, RESTORE COMPLETE. Shared by restore (compacted, replay) and deep verify
 * (P2 02: the card opens and checks everything and writes nothing).
 */
import { recordBytes, type Segment } from '../protocol/backup-format.ts';
import { concat } from '../protocol/bytes.ts';
import { requireVersion2BackupData } from './backup-version.ts';
import { restore as restoreCmd, restoreAbort, restoreComplete, restoreTransfer, type RestoreMode as CardRestoreMode, type RestoreTarget } from '../protocol/commands/index.ts';
import type { RestorePlan, Vault } from '../vault/index.ts';
import type { CardLink } from './link.ts';
import { packSegments } from './pack.ts';
import type { Meter } from './progress.ts';

export interface Step {
  seq: number;
  header: Uint8Array;
  wrappedKey: Uint8Array;
  /** The source card's signature over the header (protocol version 2). */
  headerSignature: Uint8Array;
  pageSize: number;
  segments: Segment[];
  pages: number;
  /** Payload bytes: records with their page numbers. */
  bytes: number;
}

interface PlannedPoint {
  seq: number;
  header: Uint8Array;
  wrappedKey: Uint8Array;
  headerSignature?: Uint8Array;
}

/** A step's size, known from the plan before its records are read: what progress is metered against. */
export interface StepSize {
  seq: number;
  pages: number;
  bytes: number;
}

/**
 * A vault plan as RESTORE sessions: one for compacted, one per backup for replay. The
 * sizes of every step are known up front; a replay step's header, wrapped key, signature
 * and records are read from the vault only when it is about to be sent (`load`), a batch
 * of steps per transaction, so a replay of 10,000 diffs never holds every record at once.
 */
export interface StepPlan {
  sizes: StepSize[];
  /** Steps [from, to) with their records. */
  load(from: number, to: number): Promise<Step[]>;
}

export type StepVault = Pick<Vault, 'replaySteps'>;

/**
 * A version-1 backup (no card signature, common-key wrapped key) is refused here, before
 * anything is sent, with OLD_PROTOCOL: a version-2 card cannot open it (it stays in the
 * vault, exportable). A replay's point is checked when planned (every backup of one card
 * is of one version) and each step again when read.
 */
export function planSteps(vault: StepVault, plan: RestorePlan): StepPlan {
  const pageSize = plan.fields.pageSize;
  const card = plan.fields.cardNumber;
  const perPage = recordBytes(pageSize);
  const signatureOf = (p: PlannedPoint): Uint8Array => {
    const headerSignature = p.headerSignature ?? new Uint8Array(0);
    requireVersion2BackupData(concat(p.wrappedKey, p.header, headerSignature), card);
    return headerSignature;
  };
  const step = (p: PlannedPoint, segments: Segment[]): Step => {
    const headerSignature = signatureOf(p);
    const pages = segments.reduce((n, s) => n + s.records.length, 0);
    return { seq: p.seq, header: p.header, wrappedKey: p.wrappedKey, headerSignature, pageSize, segments, pages, bytes: pages * perPage };
  };
  if (plan.mode === 'compacted') {
    const only = step(plan, plan.segments);
    return { sizes: [{ seq: only.seq, pages: only.pages, bytes: only.bytes }], load: async (from, to) => (from <= 0 && to > 0 ? [only] : []) };
  }
  signatureOf(plan);
  return {
    sizes: plan.steps.map((s) => ({ seq: s.seq, pages: s.pages, bytes: s.pages * perPage })),
    // A diff that carried no page is still a step: RESTORE then COMPLETE moves the card's point on.
    load: async (from, to) => (await vault.replaySteps(plan, from, to)).map((s) => step(s, s.segment.records.length > 0 ? [s.segment] : [])),
  };
}

/** Steps per vault read: bounded by count and by bytes, so a batch of fulls stays small. */
const BATCH_STEPS = 64;
const BATCH_BYTES = 1 << 20;

function batchesOf(sizes: readonly StepSize[]): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  let bytes = 0;
  sizes.forEach((s, i) => {
    bytes += s.bytes;
    if (i + 1 - from >= BATCH_STEPS || bytes >= BATCH_BYTES) {
      out.push([from, i + 1]);
      from = i + 1;
      bytes = 0;
    }
  });
  if (from < sizes.length) out.push([from, sizes.length]);
  return out;
}

/**
 * Every step in order, each batch read while the one before it is being sent. A failed
 * read surfaces when its batch is due, so the steps before it have completed on the card.
 */
export async function* stepsOf(plan: StepPlan): AsyncGenerator<Step> {
  const batches = batchesOf(plan.sizes);
  const read = (i: number): Promise<Step[]> | undefined => {
    const b = batches[i];
    if (!b) return undefined;
    const p = plan.load(b[0], b[1]);
    p.catch(() => undefined); // observed when its turn comes, or never if the restore stops first
    return p;
  };
  let next = read(0);
  for (let i = 0; next; i++) {
    const batch = await next;
    next = read(i + 1);
    yield* batch;
  }
}

export interface StepOptions {
  target: RestoreTarget;
  mode: CardRestoreMode;
  authorisation?: Uint8Array | undefined;
  date: number;
}

/** RESTORE .. COMPLETE; anything short of COMPLETE ends with RESTORE ABORT (the card wrote nothing). */
export async function runStep(link: CardLink, meter: Meter, step: Step, o: StepOptions): Promise<void> {
  meter.emit('starting');
  const start = restoreCmd.getApdu({
    target: o.target,
    mode: o.mode,
    wrappedKey: step.wrappedKey,
    header: step.header,
    headerSignature: step.headerSignature,
    ...(o.authorisation ? { authorisation: o.authorisation } : {}),
  });
  await link.run(start, (r) => restoreCmd.parseResponse(r));
  try {
    // The chaining wrapper makes any size sendable; the card takes a whole chained command.
    const room = Math.min(link.limits.maxCommandData, 65535);
    for (const p of packSegments(step.segments, step.pageSize, room)) {
      await link.run(restoreTransfer.getApdu(p.data), (r) => restoreTransfer.parseResponse(r));
      meter.moved(p.pages, p.data.length);
      meter.emit('transferring');
    }
    link.checkpoint(); // the last moment a cancellation is honoured
    meter.emit('completing');
    await link.run(restoreComplete.getApdu(o.date), (r) => restoreComplete.parseResponse(r), false);
  } catch (e) {
    meter.emit('cleaning-up');
    await link.tryRun(restoreAbort.getApdu(), (r) => restoreAbort.parseResponse(r));
    throw e;
  }
}
