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
import type { RestorePlan } from '../vault/index.ts';
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

/**
 * A vault plan as RESTORE sessions: one for compacted, one per backup for replay. A
 * version-1 backup (no card signature, common-key wrapped key) is refused here, before
 * anything is sent, with OLD_PROTOCOL: a version-2 card cannot open it (it stays in the
 * vault, exportable).
 */
export function planSteps(plan: RestorePlan): Step[] {
  const pageSize = plan.fields.pageSize;
  const card = plan.fields.cardNumber;
  const step = (p: PlannedPoint, segments: Segment[]): Step => {
    const headerSignature = p.headerSignature ?? new Uint8Array(0);
    requireVersion2BackupData(concat(p.wrappedKey, p.header, headerSignature), card);
    const pages = segments.reduce((n, s) => n + s.records.length, 0);
    return { seq: p.seq, header: p.header, wrappedKey: p.wrappedKey, headerSignature, pageSize, segments, pages, bytes: pages * recordBytes(pageSize) };
  };
  if (plan.mode === 'compacted') return [step(plan, plan.segments)];
  // A diff that carried no page is still a step: RESTORE then COMPLETE moves the card's point on.
  return plan.steps.map((s) => step(s, s.segment.records.length > 0 ? [s.segment] : []));
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
