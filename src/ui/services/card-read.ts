/**
 * Reading the card for the card view, through its own commands only: GET DATA
 * (identity, memory layout, AP table, backup status, PIN status, the changed-page
 * table of fig. 4), then each application's READ commands.
 */
import { getApTable, getBackupStatus, getChangedPages, getIdentity, getMemoryLayout, getPinStatus, type ApTableEntryInfo, type MemoryLayoutInfo } from '../../protocol/commands/index.ts';
import { hex } from '../../protocol/bytes.ts';
import type { Transport } from '../../protocol/transport.ts';
import type { AppInfo, CardInfo, PageOwner } from '../model.ts';
import { kindOfAid, readApp, run } from './app-read.ts';

/** 'ICV1' for issuer 0x49435631, else the number in hex. */
export function issuerName(issuer: number): string {
  const bytes = [issuer >>> 24, (issuer >>> 16) & 0xff, (issuer >>> 8) & 0xff, issuer & 0xff];
  const ascii = bytes.every((b) => b >= 0x20 && b < 0x7f);
  return ascii ? `Issuer ${String.fromCharCode(...bytes)}` : `Issuer 0x${issuer.toString(16).padStart(8, '0')}`;
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

export async function readCardInfo(t: Transport, issuerLabel: (issuer: number) => string): Promise<CardInfo> {
  const id = await run(t, getIdentity.getApdu(), (r) => getIdentity.parseResponse(r));
  const layout = await run(t, getMemoryLayout.getApdu(), (r) => getMemoryLayout.parseResponse(r));
  const table = await run(t, getApTable.getApdu(), (r) => getApTable.parseResponse(r));
  const status = await run(t, getBackupStatus.getApdu(), (r) => getBackupStatus.parseResponse(r));
  const pin = await run(t, getPinStatus.getApdu(), (r) => getPinStatus.parseResponse(r));
  const changedPages = await run(t, getChangedPages.getApdu(), (r) => getChangedPages.parseResponse(r));
  const apps: AppInfo[] = [];
  for (const e of table) {
    const kind = kindOfAid(e.aid);
    if (!kind) continue;
    const read = await readApp(t, kind);
    apps.push({ kind, aid: hex(e.aid).toUpperCase(), name: kind, holdsValue: e.holdsValue, restoredFlag: e.restoreExecuted && e.holdsValue, ...read });
  }
  return {
    cardNumber: id.cardNumber,
    issuer: issuerLabel(id.issuer),
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
