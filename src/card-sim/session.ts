/**
 * What the card keeps in RAM for one power-on session: lost at power off, like a real
 * card's RAM. Nothing here is needed to keep the EEPROM consistent.
 */
import type { BackupHeader, BackupKind, KeyContext } from '../protocol/backup-format.ts';
import type { RestoreMode, RestoreTarget } from '../protocol/commands/restore.ts';

export interface BackupSession {
  kind: BackupKind;
  seq: number;
  ctx: KeyContext;
  key: Uint8Array;
  /** Pages this backup carries, in order; `next` is the backup pointer (fig. 14 132, fig. 15 143). */
  pages: number[];
  next: number;
  started: boolean;
  headerHash: Uint8Array;
  /** The page-version table as it will be once the host confirms (BACKUP COMPLETE). */
  newVersions: Uint32Array;
}

export interface RestoreSession {
  target: RestoreTarget;
  mode: RestoreMode;
  header: BackupHeader;
  headerHash: Uint8Array;
  key: Uint8Array;
  /** Opened pages waiting for RESTORE COMPLETE: nothing is written before every check passed. */
  staged: Map<number, Uint8Array>;
  /** seq of the record each staged page came from. */
  seqOf: Map<number, number>;
}

export interface Session {
  /** AP table slot of the selected application; undefined = the card manager (OS). */
  selected: number | undefined;
  pinVerified: boolean;
  backup: BackupSession | undefined;
  restore: RestoreSession | undefined;
  /** Command chaining (CLA bit 0x10): the header and data so far. */
  chain: { key: number; parts: Uint8Array[]; length: number } | undefined;
  /** The rest of an answer announced with 61xx, and its final status word. */
  pendingOut: { data: Uint8Array; sw: number } | undefined;
}

export const newSession = (): Session => ({
  selected: undefined,
  pinVerified: false,
  backup: undefined,
  restore: undefined,
  chain: undefined,
  pendingOut: undefined,
});

export interface Reply {
  data: Uint8Array;
  sw: number;
}

const EMPTY = new Uint8Array(0);
export const reply = (data: Uint8Array = EMPTY, sw = 0x9000): Reply => ({ data, sw });

/** A command the card refuses: its status word. Thrown inside handlers, answered by the dispatcher. */
export class Refusal extends Error {
  readonly code = 'REFUSED' as const;
  constructor(
    readonly sw: number,
    why = '',
  ) {
    super(`refused ${sw.toString(16)}${why ? `: ${why}` : ''}`);
    this.name = 'Refusal';
  }
}

export function refuse(sw: number, why?: string): never {
  throw new Refusal(sw, why);
}
