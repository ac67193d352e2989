/**
 * What the fault-injection suite sees of a card: one command at a time (so the uncut
 * run can note the state after each), and a fingerprint of everything the card keeps
 * across a power cut (memory and bookkeeping, not RAM).
 */
import { decodeResponse, encodeCommand, type CommandApdu } from '../../src/protocol/apdu.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '../../src/protocol/bytes.ts';
import { unwrap } from '../../src/protocol/result.ts';
import type { SimCard } from '../../src/card-sim/index.ts';

/** Kinds of command the runner must know: the two with a legal state inside them. */
export type Label = 'verify' | 'restore-complete' | 'other';

export class Driver {
  constructor(
    readonly card: SimCard,
    private readonly afterCommand: (label: Label) => void = () => {},
  ) {}

  /** Send one command (the tearing cards are extended-length: no chaining, no 61xx). */
  send(cmd: CommandApdu, label: Label = 'other'): { data: Uint8Array; sw: number; bytes: Uint8Array } {
    const bytes = this.card.transmit(encodeCommand(cmd));
    const r = unwrap(decodeResponse(bytes));
    this.afterCommand(label);
    return { ...r, bytes };
  }

  /** Send and insist on a status word: a flow that goes off its path is a failure, not a case. */
  expect(cmd: CommandApdu, sw: number | readonly number[], label: Label = 'other') {
    const r = this.send(cmd, label);
    const ok = typeof sw === 'number' ? [sw] : sw;
    if (!ok.includes(r.sw)) throw new FlowError(`expected SW ${ok.map((s) => s.toString(16)).join('/')}, got ${r.sw.toString(16)}`);
    return r;
  }
}

export class FlowError extends Error {
  readonly code = 'FLOW' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FlowError';
  }
}

/** Everything persistent: the memory, and the bookkeeping outside it. */
export interface Fingerprint {
  /** SHA-256 of the memory (comparing 16,000-character hex strings per case would dominate the run). */
  memory: string;
  changedPages: number[];
  pageVersions: number[];
  backupCounter: number;
  chainHead: string;
  point: string;
  pinTriesLeft: number;
  restorePending: boolean;
  restoreFlags: boolean[];
  loadTotal: number;
  loads: string;
}

export function fingerprint(card: SimCard): Fingerprint {
  const v = card.inspect();
  return {
    memory: hex(sha256(v.memory)),
    changedPages: v.changedPages,
    pageVersions: v.pageVersions,
    backupCounter: v.backupCounter,
    chainHead: v.chainHead,
    point: `${v.point.card}/${v.point.seq}`,
    pinTriesLeft: v.pinTriesLeft,
    restorePending: v.restorePending,
    restoreFlags: v.apTable.map((s) => s.restoreExecuted),
    loadTotal: v.loadHistory.total,
    loads: JSON.stringify(v.loadHistory.entries),
  };
}

export const key = (f: Fingerprint) => JSON.stringify(f);
