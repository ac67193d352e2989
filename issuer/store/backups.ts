import type { Db, Queryable } from '../db/db.ts';
import { bytes, num, str } from '../db/db.ts';
import type { Authority, CardIdentity, UploadedBackup } from '../authority.ts';
import { IssuerError } from '../errors.ts';
import { decodeHeader, type BackupHeader } from '../../src/protocol/backup-format.ts';
import { scanSegments, type ScannedSegment } from './segment-scan.ts';
import { ok, type Decoded } from '../../src/protocol/result.ts';
import { equal, hex } from '../../src/protocol/bytes.ts';
import { decodeWrappedKeyV2 } from '../../src/protocol/trust/wrapped-key.ts';
import type { BlobStore } from './blob-store.ts';
import { storeUploads, type ReadyUpload, type UploadBatcher } from './upload-batch.ts';
import { sha256 } from '../native-crypto.ts';

export interface StoredBackup {
  seq: number;
  kind: 'full' | 'diff';
  date: number;
  headerHash: string;
  blobHash: string;
  size: number;
}

export interface UploadResult extends StoredBackup {
  /** false when the same bytes were already stored (the upload is idempotent). */
  created: boolean;
}

export interface BackupLimits {
  /** Bytes of backups one card may keep at the issuer. */
  quotaBytes: number;
}

/** Everything is checked before anything is written: framing, header, the card's
 *  signature over it (docs/trust.md), every record against the header, the chain. */
function check(authority: Authority, card: CardIdentity, data: Uint8Array, declaredHash: string | undefined) {
  const blobHash = sha256(data);
  if (declaredHash !== undefined && declaredHash.toUpperCase() !== hex(blobHash)) {
    throw new IssuerError('BAD_BACKUP', `content hash mismatch: the body hashes to ${hex(blobHash)}, not ${declaredHash}`);
  }
  let up: UploadedBackup;
  try {
    up = authority.splitUpload(data);
  } catch (cause) {
    throw new IssuerError('BAD_BACKUP', `malformed upload: ${(cause as Error).message}`, { cause });
  }
  const decoded = decodeHeader(up.header);
  if (!decoded.ok) throw new IssuerError('BAD_BACKUP', `malformed header: ${decoded.error.message}`);
  const h: BackupHeader = decoded.value;
  if (h.cardNumber !== card.cardNumber) {
    throw new IssuerError('FORBIDDEN', `the header is of card ${h.cardNumber}; this session is for card ${card.cardNumber} only`);
  }
  if (h.issuer !== authority.issuerId) throw new IssuerError('BAD_BACKUP', `the header names issuer ${h.issuer}, not ${authority.issuerId}`);
  // The wrapped key must name this card, this issuer and the header's epoch (said plainly
  // before the signature, which covers the wrapped key and the header, is checked).
  const wk = decodeWrappedKeyV2(up.wrappedKey);
  if (!wk.ok) throw new IssuerError('BAD_BACKUP', `malformed wrapped key: ${wk.error.message}`);
  if (wk.value.cardNumber !== h.cardNumber || wk.value.issuer !== h.issuer || wk.value.epoch !== h.epoch) {
    throw new IssuerError('BAD_BACKUP', `the wrapped key names card ${wk.value.cardNumber}, issuer ${wk.value.issuer}, epoch ${wk.value.epoch}; the header card ${h.cardNumber}, issuer ${h.issuer}, epoch ${h.epoch}`);
  }
  if (!authority.verifyHeaderSignature(card, up.wrappedKey, up.header, up.signature)) {
    throw new IssuerError('BAD_SIGNATURE', "the card's signature over the wrapped key and header does not verify under the card certificate");
  }
  // A diff that carried no page (nothing changed since its base) travels with no segment.
  const segs: Decoded<ScannedSegment[]> = up.records.length === 0 ? ok([]) : scanSegments(up.records, h.pageSize);
  if (!segs.ok) throw new IssuerError('BAD_BACKUP', `malformed records: ${segs.error.message}`);
  let count = 0;
  const pages = new Set<number>();
  for (const s of segs.value) {
    if (s.seq !== h.seq || s.kind !== h.kind) {
      throw new IssuerError('BAD_BACKUP', `a record segment says backup ${s.seq} (${s.kind}); the header says ${h.seq} (${h.kind})`);
    }
    for (const page of s.pages) {
      if (page * h.pageSize >= h.memorySize) throw new IssuerError('BAD_BACKUP', `record of page ${page} is outside the memory`);
      if (pages.has(page)) throw new IssuerError('BAD_BACKUP', `page ${page} appears twice`);
      pages.add(page);
      count++;
    }
  }
  if (count !== h.recordCount) throw new IssuerError('BAD_BACKUP', `the header announces ${h.recordCount} records, the body holds ${count}`);
  // headerHash (src/protocol/backup-format.ts) is the header's SHA-256: through OpenSSL
  // here (test/issuer/native-crypto.test.ts holds the two equal).
  return { header: h, headerBytes: up.header, blobHash, hHash: sha256(up.header) };
}

/**
 * Stores one backup of `card`. Idempotent by content: the same bytes again answer the
 * stored backup. The chain head moves by compare-and-swap (prevHash = current head, seq
 * above it, the card active, under its quota, a diff's base held) in the one statement
 * that also writes the blob and the backup row (issuer/store/upload-batch.ts), so of many
 * concurrent next backups exactly one wins and a crash leaves none half stored. One round
 * trip when it is stored, shared with the other cards' uploads of the same moment when a
 * batcher is given; a refusal is diagnosed by a second query (why the head did not move).
 */
export async function uploadBackup(
  db: Db,
  blobs: BlobStore,
  authority: Authority,
  card: CardIdentity,
  data: Uint8Array,
  declaredHash: string | undefined,
  limits: BackupLimits,
  batcher?: UploadBatcher,
): Promise<UploadResult> {
  const { header: h, blobHash, hHash } = check(authority, card, data, declaredHash);
  const base = { seq: h.seq, kind: h.kind, date: h.date, headerHash: hex(hHash), blobHash: hex(blobHash), size: data.length };
  // A blob store outside the database takes the bytes first (idempotent by hash): a
  // crash before the statement leaves an object nobody names, never a half backup.
  if (!blobs.sameDatabase) await blobs.put(db, blobHash, data);
  const up: ReadyUpload = {
    cardNumber: card.cardNumber,
    prevHash: h.prevHash,
    seq: h.seq,
    headerHash: hHash,
    size: data.length,
    baseSeq: h.kind === 'diff' ? h.baseSeq : 0,
    blobHash,
    bytes: blobs.sameDatabase ? data : null,
    kind: h.kind,
    date: h.date,
  };
  // With a batcher, concurrent uploads of other cards share the statement (group commit).
  const moved = batcher ? await batcher.store(up) : ((await storeUploads(db, [up], limits.quotaBytes))[0] ?? false);
  if (moved) return { ...base, created: true };
  const again = await refusal(db, card.cardNumber, h, hHash, blobHash, data.length, limits);
  if (again === 'same') return { ...base, created: false };
  throw again;
}

/** Why the head did not move, in the order a client can act on: a stopped card, the
 *  same backup again (idempotent), a replay, the quota, then the chain (the 409 names the
 *  current head so the client can resync). */
async function refusal(
  q: Queryable,
  cardNumber: string,
  h: BackupHeader,
  hHash: Uint8Array,
  blobHash: Uint8Array,
  size: number,
  limits: BackupLimits,
): Promise<IssuerError | 'same'> {
  const rows = await q.query(
    `SELECT c.state, h.seq, h.head_hash, h.bytes_used,
            (SELECT k.blob_hash FROM backups k WHERE k.card_number = $1 AND k.header_hash = $2) AS same,
            ($3::integer = 0 OR EXISTS (SELECT 1 FROM backups k WHERE k.card_number = $1 AND k.seq = $3::integer)) AS base_held
       FROM cards c LEFT JOIN chain_heads h ON h.card_number = c.card_number WHERE c.card_number = $1`,
    [cardNumber, hHash, h.kind === 'diff' ? h.baseSeq : 0],
  );
  const r = rows[0];
  if (!r || r['seq'] === null) return new IssuerError('NOT_FOUND', `card ${cardNumber} has no chain at the issuer`);
  if (r['state'] !== 'active') return new IssuerError('CARD_STOPPED', `card ${cardNumber} is stop-listed: no more backups are taken`);
  const same = r['same'];
  if (same !== null && same !== undefined) {
    if (equal(bytes(same), blobHash)) return 'same';
    return new IssuerError('REPLAYED', `backup ${h.seq} is already stored with other records under the same signed header`);
  }
  const total = num(r['bytes_used']);
  if (total + size > limits.quotaBytes) {
    return new IssuerError('OVER_QUOTA', `card ${cardNumber} keeps ${total} bytes at the issuer; ${size} more exceeds its quota of ${limits.quotaBytes}`);
  }
  const head = { seq: num(r['seq']), hash: hex(bytes(r['head_hash'])) };
  const detail = { headSeq: head.seq, headHash: head.hash };
  if (h.seq <= head.seq) {
    return new IssuerError('OUT_OF_ORDER', `backup ${h.seq} is not after the issuer's head (backup ${head.seq}, ${head.hash})`, { detail });
  }
  if (head.hash === hex(h.prevHash) && r['base_held'] !== true) {
    return new IssuerError('OUT_OF_ORDER', `diff backup ${h.seq} names base ${h.baseSeq}, which the issuer does not hold`, { detail });
  }
  return new IssuerError('CHAIN_CONFLICT', `backup ${h.seq} follows ${hex(h.prevHash)}, but the issuer's head is backup ${head.seq} (${head.hash})`, {
    detail,
  });
}

export async function listBackups(q: Queryable, cardNumber: string): Promise<StoredBackup[]> {
  const rows = await q.query(
    `SELECT k.seq, k.kind, k.backup_date, k.header_hash, k.blob_hash, b.size
       FROM backups k JOIN blobs b ON b.hash = k.blob_hash WHERE k.card_number = $1 ORDER BY k.seq`,
    [cardNumber],
  );
  return rows.map((r) => ({
    seq: num(r['seq']),
    kind: str(r['kind']) as 'full' | 'diff',
    date: num(r['backup_date']),
    headerHash: hex(bytes(r['header_hash'])),
    blobHash: hex(bytes(r['blob_hash'])),
    size: num(r['size']),
  }));
}

export async function fetchBackup(q: Queryable, blobs: BlobStore, cardNumber: string, seq: number): Promise<Uint8Array> {
  const rows = await q.query('SELECT blob_hash FROM backups WHERE card_number = $1 AND seq = $2', [cardNumber, seq]);
  const r = rows[0];
  if (!r) throw new IssuerError('NOT_FOUND', `the issuer holds no backup ${seq} of card ${cardNumber}`);
  const data = await blobs.get(q, bytes(r['blob_hash']));
  if (!data) throw new IssuerError('NOT_FOUND', `blob of backup ${seq} of card ${cardNumber} is missing`);
  return data;
}

export async function chainHead(q: Queryable, cardNumber: string): Promise<{ seq: number; headHash: string }> {
  const rows = await q.query('SELECT seq, head_hash FROM chain_heads WHERE card_number = $1', [cardNumber]);
  const r = rows[0];
  if (!r) throw new IssuerError('NOT_FOUND', `card ${cardNumber} has no chain at the issuer`);
  return { seq: num(r['seq']), headHash: hex(bytes(r['head_hash'])) };
}
