/**
 * A tiny host-side driver for card tests: runs BACKUP / TRANSFER / COMPLETE and the
 * restore modes through card.transmit, with command chaining and GET RESPONSE for
 * short-APDU cards. The real host flows live in src/host.
 */
import { command, decodeResponse, encodeCommand, type CommandApdu } from '../../src/protocol/apdu.ts';
import { concat } from '../../src/protocol/bytes.ts';
import { encodeSegment, headerHash, type BackupKind, type SealedRecord, type Segment } from '../../src/protocol/backup-format.ts';
import {
  backup,
  backupComplete,
  backupTransfer,
  restore,
  restoreComplete,
  restoreTransfer,
  getAuthorisationCounter,
  getCardCertificate,
  verifyPin,
  type BackupStart,
  type RestoreMode,
  type RestoreTarget,
} from '../../src/protocol/commands/index.ts';
import type { SimCard } from '../../src/card-sim/index.ts';
import type { IssuerAuthority } from '../../issuer/core/index.ts';
import { createTestCard, testIssuer } from '../support/card.ts';

export interface Exchange {
  data: Uint8Array;
  sw: number;
}

export interface Wire {
  apdus: number;
  bytes: number;
}

/** Send one command the way a reader would: chaining if it must, GET RESPONSE for 61xx. */
export function send(card: SimCard, c: CommandApdu, wire?: Wire): Exchange {
  const extended = card.inspect() && linkIsExtended(card);
  const tx = (bytes: Uint8Array) => {
    const r = card.transmit(bytes);
    if (wire) {
      wire.apdus++;
      wire.bytes += bytes.length + r.length;
    }
    const d = decodeResponse(r);
    if (!d.ok) throw d.error;
    return d.value;
  };
  let r: Exchange;
  if (!extended && c.data.length > 255) {
    let o = 0;
    for (; c.data.length - o > 255; o += 255) {
      const link = tx(encodeCommand({ ...c, cla: c.cla | 0x10, data: c.data.subarray(o, o + 255), ne: 0 }));
      if (link.sw !== 0x9000) return link;
    }
    r = tx(encodeCommand({ ...c, data: c.data.subarray(o), ne: Math.min(c.ne, 256) }));
  } else {
    r = tx(encodeCommand(extended ? c : { ...c, ne: Math.min(c.ne, 256) }));
  }
  const parts = [r.data];
  while (r.sw >>> 8 === 0x61) {
    r = tx(encodeCommand(command(0x00, 0xc0, 0, 0, undefined, r.sw & 0xff || 256)));
    parts.push(r.data);
  }
  return { data: concat(...parts), sw: r.sw };
}

const extendedCache = new WeakMap<SimCard, boolean>();
function linkIsExtended(card: SimCard): boolean {
  let v = extendedCache.get(card);
  if (v === undefined) {
    const atr = card.powerOn();
    v = ((atr[atr.length - 2] ?? 0) & 0x40) !== 0;
    extendedCache.set(card, v);
  }
  return v;
}

export const raw = (e: Exchange) => concat(e.data, Uint8Array.of(e.sw >>> 8, e.sw & 0xff));

export function verify(card: SimCard, pin = '1234'): void {
  verifyPin.parseResponse(raw(send(card, verifyPin.getApdu(pin))));
}

export interface StoredBackup extends BackupStart {
  segments: Segment[];
  hash: Uint8Array;
  /** The certificate of the card that made it (GET DATA, version 2): checks its header signature. */
  cardCertificate: Uint8Array;
}

/** GET DATA of the card's certificate (not counted on any wire). */
export const certificateOf = (card: SimCard): Uint8Array => getCardCertificate.parseResponse(raw(send(card, getCardCertificate.getApdu())));

/** BACKUP, every BACKUP DATA TRANSFER, and (unless told not to) BACKUP COMPLETE. */
export function runBackup(card: SimCard, kind: BackupKind, o: { date?: number; complete?: boolean; wire?: Wire; ne?: number } = {}): StoredBackup {
  const start = backup.parseResponse(raw(send(card, backup.getApdu(kind, o.date ?? 1_700_000_000_000), o.wire)));
  const segments: Segment[] = [];
  const ne = o.ne ?? (linkIsExtended(card) ? 65536 : 256);
  for (;;) {
    const chunk = backupTransfer.parseResponse(raw(send(card, backupTransfer.getApdu(ne), o.wire)), start.header.pageSize);
    segments.push(...chunk.segments);
    if (chunk.done) break;
  }
  const hash = headerHash(start.headerBytes);
  if (o.complete !== false) backupComplete.parseResponse(raw(send(card, backupComplete.getApdu(hash), o.wire)));
  return { ...start, segments, hash, cardCertificate: certificateOf(card) };
}

export interface Rec extends SealedRecord {
  seq: number;
  kind: BackupKind;
}

export const recordsOf = (b: StoredBackup): Rec[] => b.segments.flatMap((s) => s.records.map((r) => ({ ...r, seq: s.seq, kind: s.kind })));

/** The newest copy of every page of the point `chain[chain.length-1]` (the vault's manifest). */
export function pointRecords(chain: readonly StoredBackup[]): Rec[] {
  const m = new Map<number, Rec>();
  for (const b of chain) for (const r of recordsOf(b)) m.set(r.page, r);
  return [...m.values()].sort((a, b) => a.page - b.page);
}

/** Records as segments (one per run of one seq), each command at most `room` bytes. */
export function packRecords(recs: readonly Rec[], pageSize: number, room: number): Uint8Array[] {
  const cmds: Uint8Array[] = [];
  let segs: Segment[] = [];
  let used = 0;
  const flush = () => {
    if (segs.length) cmds.push(concat(...segs.map(encodeSegment)));
    segs = [];
    used = 0;
  };
  for (const r of recs) {
    const last = segs[segs.length - 1];
    const recSize = 2 + pageSize + 16;
    const extra = last && last.seq === r.seq && last.kind === r.kind ? recSize : 7 + recSize;
    if (used + extra > room) flush();
    const cur = segs[segs.length - 1];
    if (cur && cur.seq === r.seq && cur.kind === r.kind) cur.records.push({ page: r.page, sealed: r.sealed });
    else segs.push({ seq: r.seq, kind: r.kind, records: [{ page: r.page, sealed: r.sealed }] });
    used += extra;
  }
  flush();
  return cmds;
}

export const commandRoom = (card: SimCard) => (linkIsExtended(card) ? 65535 : 4 * 255);

export interface RestoreRun {
  target?: RestoreTarget;
  mode?: RestoreMode;
  authorisation?: Uint8Array;
  records?: readonly Rec[];
  transfers?: readonly Uint8Array[];
}

/** RESTORE, transfers, COMPLETE; returns the first status word that is not 9000 (or 9000). */
export function runRestore(card: SimCard, point: StoredBackup, chain: readonly StoredBackup[], o: RestoreRun = {}): number {
  const target = o.target ?? 'same';
  const start = send(
    card,
    restore.getApdu({
      target,
      mode: o.mode ?? 'compacted',
      wrappedKey: point.wrappedKeyBytes,
      header: point.headerBytes,
      headerSignature: point.headerSignature,
      ...(o.authorisation ? { authorisation: o.authorisation } : {}),
    }),
  );
  if (start.sw !== 0x9000) return start.sw;
  const recs = o.records ?? (o.mode === 'replay' ? recordsOf(point) : pointRecords(chain));
  const transfers = o.transfers ?? packRecords(recs, point.header.pageSize, commandRoom(card));
  for (const t of transfers) {
    const r = send(card, restoreTransfer.getApdu(t));
    if (r.sw !== 0x9000) return r.sw;
  }
  return send(card, restoreComplete.getApdu(1_700_000_100_000)).sw;
}

/**
 * The issuer's authorisation (version 2) for restoring `point` onto `target`: a card in
 * hand (its certificate and its counter + 1, read by GET DATA), or a card number (a card
 * of that number personalised for the purpose, counter 1: an authorisation for a card
 * that is not the one it is sent to).
 */
export function authorise(point: StoredBackup, target: SimCard | string, o: { issuer?: IssuerAuthority; counter?: number } = {}): Uint8Array {
  const card = typeof target === 'string' ? createTestCard({ cardNumber: target, seed: `authorised ${target}`, memorySize: 8192, ...(o.issuer ? { issuer: o.issuer } : {}) }) : target;
  const counter = o.counter ?? getAuthorisationCounter.parseResponse(raw(send(card, getAuthorisationCounter.getApdu()))) + 1;
  return (o.issuer ?? testIssuer()).restoreAuthorisation({
    sourceCardCertificate: point.cardCertificate,
    targetCardCertificate: certificateOf(card),
    pointHeaderBytes: point.headerBytes,
    pointHeaderSignature: point.headerSignature,
    wrappedKeyBytes: point.wrappedKeyBytes,
    targetAuthorisationCounter: counter,
  });
}

/** Memory outside the identity block (which a restore never writes). */
export const restorable = (card: SimCard) => {
  const v = card.inspect();
  return v.memory.slice(v.identityBlock.size);
};

/** Write bytes into memory the way an application would: through a test application's command. */
export function pokeCommand(offset: number, bytes: Uint8Array): CommandApdu {
  return command(0x80, 0x50, offset >>> 8, offset & 0xff, bytes);
}

/** A command as bytes, or its header alone when it cannot be encoded (a fuzzer's draw: Lc or Le out of range). */
export function looseApdu(c: CommandApdu): Uint8Array {
  try {
    return encodeCommand(c);
  } catch {
    return Uint8Array.of(c.cla, c.ins, c.p1, c.p2);
  }
}
