/**
 * Reading the card for the card view, through its own commands only: GET DATA
 * (identity, memory layout, AP table, backup status, PIN status, the changed-page
 * table of fig. 4), then each application's READ commands (app-read.ts).
 * Credit, ID and medical data need the cardholder PIN in this card session (issue 10):
 * without it they come back `locked`. A caller that holds the PIN (the demo's terminal)
 * passes it, and it is presented only while no try has been spent, so a read never
 * takes the holder's last tries.
 */
import type { ApTableEntryInfo, MemoryLayoutInfo } from '../protocol/commands/index.ts';
import { hex } from '../protocol/bytes.ts';
import type { Transport } from '../protocol/transport.ts';
import { kindOfAid, readApp, type AppData, type AppKind } from './app-read.ts';
import { command, send } from './command.ts';
import { presentPin } from './card.ts';
import { CardLink } from './link.ts';

/** Who owns a page of card memory (the system area 080 or an application's area in 081). */
export type PageOwner = 'system' | 'free' | AppKind;

export interface AppReading extends AppData {
  kind: AppKind;
  /** AID, hex. */
  aid: string;
  holdsValue: boolean;
  /** The card-AP link flag (fig. 11, 086): restored and not yet re-initialised. */
  restoredFlag: boolean;
}

export interface MemoryReading {
  pageSize: number;
  pageCount: number;
  owners: readonly PageOwner[];
  /** Pages changed since the last backup or restore (fig. 4; GET DATA 0104). */
  changedCount: number;
  /** Which pages (GET DATA 0107). */
  changedPages: readonly number[];
}

export interface CardReading {
  cardNumber: string;
  /** The issuer's number (GET DATA 0101); the UI names it. */
  issuer: number;
  apps: readonly AppReading[];
  memory: MemoryReading;
  pin: { triesLeft: number; maxTries: number; blocked: boolean };
  /** Sequence number of the card's newest completed backup, or null if none. */
  lastBackupSeq: number | null;
}

/** Owner of every page: the system area, each application's area (AP table), or free. */
export function pageOwners(layout: MemoryLayoutInfo, table: readonly ApTableEntryInfo[]): PageOwner[] {
  const pages = Math.ceil(layout.memorySize / layout.pageSize);
  const owners: PageOwner[] = Array.from({ length: pages }, (_, p) => (p * layout.pageSize < layout.systemAreaSize ? 'system' : 'free'));
  for (const e of table) {
    const kind = kindOfAid(e.aid);
    if (!kind || e.size === 0) continue;
    const first = Math.floor(e.offset / layout.pageSize);
    const last = Math.floor((e.offset + e.size - 1) / layout.pageSize);
    for (let p = first; p <= last && p < pages; p++) owners[p] = kind;
  }
  return owners;
}

export async function readCard(t: Transport, o: { pin?: string } = {}): Promise<CardReading> {
  const id = await send(t, command('GET DATA identity'));
  const layout = await send(t, command('GET DATA memory layout'));
  const table = await send(t, command('GET DATA AP table'));
  const status = await send(t, command('GET DATA backup status'));
  const pin = await send(t, command('GET DATA PIN status'));
  if (o.pin !== undefined && !pin.verified && pin.triesLeft === pin.maxTries) await presentPin(new CardLink(t, undefined), o.pin);
  const changedPages = await send(t, command('GET DATA changed pages'));
  const apps: AppReading[] = [];
  for (const e of table) {
    const kind = kindOfAid(e.aid);
    if (!kind) continue;
    const data = await readApp(t, kind);
    apps.push({ kind, aid: hex(e.aid).toUpperCase(), holdsValue: e.holdsValue, restoredFlag: e.restoreExecuted && e.holdsValue, ...data });
  }
  return {
    cardNumber: id.cardNumber,
    issuer: id.issuer,
    apps,
    memory: {
      pageSize: layout.pageSize,
      pageCount: Math.ceil(layout.memorySize / layout.pageSize),
      owners: pageOwners(layout, table),
      changedCount: status.changedPages,
      changedPages,
    },
    pin: { triesLeft: pin.triesLeft, maxTries: pin.maxTries, blocked: pin.triesLeft === 0 },
    lastBackupSeq: status.currentPoint === 0 ? null : status.currentPoint,
  };
}
