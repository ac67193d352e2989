/**
 * The contract between the card OS and its applications (patent fig. 10: the OS 030
 * and the applications 031). Applications never touch memory, keys or flags directly:
 * they get an `AppContext` from the OS for each command. This is what lets the OS do
 * backup and restore for every application with no work in the application (patent
 * p. "the applications carry no burden"), and lets it make every update atomic.
 */
import type { CommandApdu, ResponseApdu } from '../protocol/apdu.ts';

export interface LoadHistoryEntry {
  /** ms since 1970, from the host's date in the command (the card has no clock). */
  date: number;
  /** What was loaded: 'restore-full', 'restore-diff', 'value-load', ... */
  what: string;
  /** Which application it concerned, if one (AID hex); empty for the whole card. */
  aid: string;
  /** Amount or page count, depending on `what`. */
  amount: number;
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
  /** Claims 18-23: record that data or value was loaded from outside. */
  recordLoad(entry: Omit<LoadHistoryEntry, 'aid'>): void;
}

export interface CardApplication {
  /** Application identifier (ISO 7816-5), 5..16 bytes. */
  readonly aid: Uint8Array;
  /** Short human name ("e-money"). */
  readonly name: string;
  /** Bytes of memory this application's area needs. */
  readonly areaSize: number;
  /** Whether this application holds value (e-money, points): such apps reset after a restore. */
  readonly holdsValue: boolean;
  /** Write the application's initial data at personalisation. */
  install(ctx: AppContext, seed: AppSeed): void;
  /** Handle one command while selected. Never throws: every failure is a status word. */
  process(cmd: CommandApdu, ctx: AppContext): ResponseApdu;
}

/** Personalisation data (realistic demo data, fig. 21). Unknown keys are ignored by apps. */
export type AppSeed = Record<string, string | number | Uint8Array>;
