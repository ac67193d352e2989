/**
 * Schema 1 -> 2: one pack per backup instead of one blob per sealed page.
 *
 * Schema 1 kept each sealed page as a blob keyed by its SHA-256 and a manifest per point
 * with 32 bytes of hash per page. Schema 2 keeps the records a backup carried as one pack
 * keyed by (card, seq), hashed once, and manifests that name per page only the seq of the
 * pack holding its newest copy. A pack holds every page any manifest points at it for:
 * for a deleted backup whose pages later points still use, those pages are its pack.
 *
 * All of it runs in the versionchange transaction, so it is all-or-nothing: a tab closed
 * half way rolls the database back to version 1 and the next open runs it again from the
 * start (the conversion is a pure function of the version-1 rows). A page whose blob is
 * already missing in version 1 is left out of its pack; verify then reports it, as it
 * reported the missing blob before.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { HASH_BYTES } from '../protocol/backup-format.ts';
import { toHex } from './hash.ts';
import { refsOf } from './manifest.ts';
import type { ManifestRow, PackRow, UpgradeTx, VaultDB } from './schema.ts';

/** A version-1 manifest: per page, the SHA-256 of the sealed copy. */
interface ManifestV1 {
  cardNumber: string;
  seq: number;
  seqs: Uint32Array;
  kinds: Uint8Array;
  hashes: Uint8Array;
}

interface BlobV1 {
  hash: string;
  sealed: Uint8Array;
}

export function migrateToPacks(db: VaultDB, tx: UpgradeTx): Promise<void> {
  // Schema changes first, while the transaction is surely active.
  db.createObjectStore('packs', { keyPath: ['cardNumber', 'seq'] });
  db.createObjectStore('checks', { keyPath: ['cardNumber', 'seq'] });
  db.createObjectStore('uses', { keyPath: ['cardNumber', 'seq'] }).createIndex('byPack' as never, 'packs', { unique: false, multiEntry: true });
  // Writes the schema-2 uses rows (with their index); migration 3 converts them after it.
  return convert(db, tx);
}

async function convert(db: VaultDB, tx: UpgradeTx): Promise<void> {
  const raw = tx as unknown as { objectStore(name: string): { get(k: unknown): Promise<unknown>; openCursor(): Promise<Cursor | null> } };
  interface Cursor {
    value: unknown;
    update(v: unknown): Promise<unknown>;
    continue(): Promise<Cursor | null>;
  }
  // Pass 1: which page of which pack each manifest uses, and that copy's blob hash.
  const wanted = new Map<string, { card: string; seq: number; pages: Map<number, string> }>();
  for (let c = await raw.objectStore('manifests').openCursor(); c; c = await c.continue()) {
    const m = c.value as ManifestV1;
    for (let p = 0; p < m.seqs.length; p++) {
      const s = m.seqs[p] as number;
      const key = `${m.cardNumber}/${s}`;
      let w = wanted.get(key);
      if (!w) wanted.set(key, (w = { card: m.cardNumber, seq: s, pages: new Map() }));
      if (!w.pages.has(p)) w.pages.set(p, toHex(m.hashes.subarray(p * HASH_BYTES, (p + 1) * HASH_BYTES)));
    }
  }
  // Pass 2: one pack per (card, seq), from the blobs.
  const blobs = raw.objectStore('blobs');
  for (const w of wanted.values()) {
    const pages: number[] = [];
    const records: Uint8Array[] = [];
    for (const p of [...w.pages.keys()].sort((a, b) => a - b)) {
      const b = (await blobs.get(w.pages.get(p))) as BlobV1 | undefined;
      if (!b) continue;
      pages.push(p);
      records.push(b.sealed);
    }
    const recordBytes = records[0]?.length ?? 0;
    const sealed = new Uint8Array(records.length * recordBytes);
    records.forEach((r, i) => sealed.set(r.subarray(0, recordBytes), i * recordBytes));
    const pack: PackRow = { cardNumber: w.card, seq: w.seq, pages: Uint32Array.from(pages), recordBytes, sealed, hash: toHex(sha256(sealed)) };
    await tx.objectStore('packs').put(pack);
  }
  // Pass 3: manifests lose their per-page hashes; the packs each names go to its uses row.
  for (let c = await raw.objectStore('manifests').openCursor(); c; c = await c.continue()) {
    const m = c.value as ManifestV1;
    const next: ManifestRow = { cardNumber: m.cardNumber, seq: m.seq, seqs: m.seqs, kinds: m.kinds };
    await c.update(next);
    // The schema-2 shape: [card, seq] per pack, the byPack index's keys.
    await tx.objectStore('uses').put({ cardNumber: next.cardNumber, seq: next.seq, packs: refsOf(next.cardNumber, next.seqs) } as never);
  }
  db.deleteObjectStore('blobs' as never);
}
