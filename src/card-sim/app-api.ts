/**
 * The contract between the card OS and its applications (patent fig. 10: the OS 030
 * and the applications 031). Applications never touch memory, keys or flags directly:
 * they get an `AppContext` from the OS for each command. This is what lets the OS do
 * backup and restore for every application with no work in the application (patent
 * p. "the applications carry no burden"), and lets it make every update atomic.
 */
import type { CommandApdu, ResponseApdu } from '../protocol/apdu.ts';
import type { ValueCounters } from '../protocol/commands/apps/value-commands.ts';

/** What a load is recorded as in the card's load history (claims 18-23, GET DATA). */
export type LoadWhat = 'value-load' | 'points-load';

/**
 * A value application's value, kept by the OS outside the backed-up memory
 * (value-store.ts; version 2, docs/trust.md "Value"). The OS checks load tokens and signs
 * receipts (value-access.ts): the application never sees a key. Each method answers a
 * status word and changes nothing when it refuses; its writes join the command's atomic group.
 */
export interface ValueAccess {
  counters(): ValueCounters;
  /** The value log, newest first (READ LOG). */
  log(): Uint8Array;
  /** Load by an issuer-signed load token: 9000 with the value after (u32), or the refusal. */
  load(token: Uint8Array, date: number, limit: { max: number; what: LoadWhat }): ResponseApdu;
  /** Spend: 9000 with the card-signed receipt, or the refusal. */
  spend(amount: number, date: number, challenge: Uint8Array): ResponseApdu;
  /** Log that a restore happened and the value was kept (fig. 20's flag, version 2); false (nothing written) while a session locks the card. */
  noteRestore(): boolean;
}

export interface AppContext {
  /** Size of this application's memory area in bytes (AP table, fig. 11 085). */
  readonly areaSize: number;
  /** Read bytes of this application's own area (offset relative to the area). */
  read(offset: number, length: number): Uint8Array;
  /**
   * Write bytes into this application's own area through the card's single write
   * path. Writes made inside one `atomic` call land all together or not at all.
   */
  write(offset: number, bytes: Uint8Array): void;
  /** Group writes so a power cut leaves all or none of them (journaled by the OS). */
  atomic<T>(fn: () => T): T;
  /** Card-AP link (fig. 6, 032): was this application restored since it last cleared the flag? */
  wasRestored(): boolean;
  /** Card-AP link: clear this application's restore-executed flag (fig. 20, 196). */
  clearRestored(): void;
  /** Whether the cardholder PIN has been verified in this session. */
  pinVerified(): boolean;
  /** This application's value (value applications only; data applications never call it). */
  readonly value: ValueAccess;
}

export interface CardApplication {
  /** Application identifier (ISO 7816-5), 5..16 bytes. */
  readonly aid: Uint8Array;
  /** Short human name ("e-money"). */
  readonly name: string;
  /** Bytes of memory this application's area needs. */
  readonly areaSize: number;
  /** Whether this application holds value (e-money, points), kept by the OS outside the backed-up memory. */
  readonly holdsValue: boolean;
  /** Write the application's initial data at personalisation. */
  install(ctx: AppContext, seed: AppSeed): void;
  /** Handle one command while selected. Never throws: every failure is a status word. */
  process(cmd: CommandApdu, ctx: AppContext): ResponseApdu;
}

/** Personalisation data (realistic demo data, fig. 21). Unknown keys are ignored by apps. */
export type AppSeed = Record<string, string | number | Uint8Array>;
