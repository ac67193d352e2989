/**
 * Structural verify: everything a restore needs is present and unaltered, without the
 * card. Every header decodes and hashes to what it was stored under; every manifest
 * covers the card, adds up to its header's page map, and names blobs that exist and
 * hash to their keys; the prevHash chain holds across deleted backups (tombstones).
 * Deep verify (the card opens every record) is the host's, from restorePlan.
 */
import { VaultError } from './errors.ts';
import { sha256Hex, shortHash } from './hash.ts';
import { checkChain } from './chain.ts';
import { checkHeader, checkManifest, checkRow, type Finding } from './checks.ts';
import { blobHashOf, pageCountOf } from './manifest.ts';
import { cardRange, type CardRow, type VaultDB } from './schema.ts';

export interface VerifyOptions {
  /** Only this card (default: every card). */
  card?: string;
}

interface BlobUse {
  seq: number;
  page: number;
  points: number[];
}

type VerifyTx = ReturnType<typeof verifyTx>;
const verifyTx = (db: VaultDB) => db.transaction(['backups', 'manifests', 'blobs', 'tombstones']);

async function checkBlobs(tx: VerifyTx, card: string, uses: Map<string, BlobUse>, out: Finding[]): Promise<void> {
  const hashes = [...uses.keys()];
  const rows = await Promise.all(hashes.map((h) => tx.objectStore('blobs').get(h)));
  hashes.forEach((hash, i) => {
    const u = uses.get(hash) as BlobUse;
    const needed = u.points.length === 1 ? 'needed by this point only' : `needed by ${u.points.length} points, seq ${u.points[0]}..${u.points[u.points.length - 1]}`;
    const at = { card, seq: u.seq, page: u.page, blob: hash, severity: 'damage' as const };
    const row = rows[i];
    if (!row) out.push({ ...at, code: 'BLOB_MISSING', message: `blob ${shortHash(hash)} is missing (${needed})` });
    else if (sha256Hex(row.sealed) !== hash) out.push({ ...at, code: 'BLOB_HASH', message: `blob ${shortHash(hash)}: hash mismatch, its bytes were altered (${needed})` });
  });
}

function checkHead(c: CardRow, newest: { seq: number; headerHash: string } | undefined, confirmedSeq: number, maxSeq: number): Finding[] {
  const wrong: string[] = [];
  if (c.headSeq < maxSeq) wrong.push(`head seq ${c.headSeq} is below stored seq ${maxSeq}`);
  if (c.headHash !== (newest?.headerHash ?? '')) wrong.push(`head hash ${shortHash(c.headHash)} is not the newest backup's`);
  if (c.confirmedSeq !== confirmedSeq) wrong.push(`newest confirmed seq says ${c.confirmedSeq}, backups say ${confirmedSeq}`);
  return wrong.map((message) => ({ card: c.cardNumber, code: 'CARD_HEAD', severity: 'damage', message }));
}

async function verifyCard(db: VaultDB, c: CardRow): Promise<Finding[]> {
  const card = c.cardNumber;
  const tx = verifyTx(db);
  const out: Finding[] = [];
  const rows = await tx.objectStore('backups').getAll(cardRange(card));
  const tombs = await tx.objectStore('tombstones').getAll(cardRange(card));
  for (const t of tombs) out.push(...checkHeader(card, t.seq, t.header, t.headerHash).findings);
  const uses = new Map<string, BlobUse>();
  for (const row of rows) {
    const h = checkHeader(card, row.seq, row.header, row.headerHash);
    out.push(...h.findings);
    if (!h.fields) continue;
    out.push(...checkRow(row, h.fields));
    const m = await tx.objectStore('manifests').get([card, row.seq]);
    const mf = checkManifest(card, row.seq, h.fields, m);
    out.push(...mf);
    if (!m || mf.some((f) => f.code !== 'PAGE_MAP')) continue;
    for (let p = 0; p < pageCountOf(m); p++) {
      const hash = blobHashOf(m, p);
      const u = uses.get(hash);
      if (u) u.points.push(row.seq);
      else uses.set(hash, { seq: row.seq, page: p, points: [row.seq] });
    }
  }
  await checkBlobs(tx, card, uses, out);
  const links = [...rows.map((r) => ({ ...r, settled: r.confirmed })), ...tombs.map((t) => ({ ...t, settled: true }))];
  for (const p of checkChain(links)) out.push({ card, seq: p.seq, code: p.severity === 'gap' ? 'CHAIN_GAP' : 'CHAIN_BROKEN', severity: p.severity, message: p.message });
  const maxSeq = Math.max(0, ...links.map((l) => l.seq));
  out.push(...checkHead(c, rows[rows.length - 1], rows.filter((r) => r.confirmed).pop()?.seq ?? 0, maxSeq));
  await tx.done;
  return out;
}

/** Findings, damage and gaps, in card and seq order; an empty list means all is well. */
export async function verify(db: VaultDB, opts: VerifyOptions = {}): Promise<Finding[]> {
  const cards = opts.card === undefined ? await db.getAll('cards') : [await db.get('cards', opts.card)];
  const out: Finding[] = [];
  for (const c of cards) {
    if (!c) throw new VaultError('NOT_FOUND', `no card ${opts.card ?? ''} in the vault`);
    out.push(...(await verifyCard(db, c)));
  }
  return out;
}
