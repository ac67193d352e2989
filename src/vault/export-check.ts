/**
 * What a version-1 export file means (one entry per sealed page), checked before anything is written: every header decodes
 * and hashes to its recorded hash, belongs to its card and fits the card's layout; every
 * backup has a manifest that covers the card, names blobs in the file, carries as many
 * pages as its header announces and adds up to its pageMapHash; the chain of each card
 * holds; nothing is duplicated or left over. The result is the rows to write.
 */
import { keptSignature } from './signed-chain.ts';
import { KIND_CODE, TAG_BYTES, type BackupHeader } from '../protocol/backup-format.ts';
import { fromHex } from '../protocol/bytes.ts';
import { checkChain } from './chain.ts';
import { checkHeader, checkManifest, findingText } from './checks.ts';
import { VaultError } from './errors.ts';
import { listCards } from './export-cards.ts';
import { decodeStoredKey, pairProblem } from './versions.ts';
import { shortHash, toHex } from './hash.ts';
import type { ExportCard, ExportContents, ExportManifest } from './export-format.ts';
import type { BackupRow, ManifestRow, TombstoneRow } from './schema.ts';

export interface ImportCard {
  card: ExportCard;
  /** The card certificate the file carries (protocol version 2), decoded from hex. */
  certificate?: Uint8Array;
  backups: BackupRow[];
  manifests: ManifestRow[];
  /** Per manifest seq: per page, the index of its sealed copy in ImportSet.blobs. */
  pageBlobs: Map<number, number[]>;
  tombstones: TombstoneRow[];
}

export interface ImportSet {
  cards: Map<string, ImportCard>;
  /** Sealed pages in file order, each already checked against its hash. */
  blobs: Uint8Array[];
}

const bad = (msg: string) => new VaultError('BAD_FILE', `not a usable vault export: ${msg}`);

function toManifest(m: ExportManifest, blobCount: number, f: BackupHeader): ManifestRow {
  const n = f.memorySize / f.pageSize;
  if (m.seqs.length !== n || m.kinds.length !== n || m.blobs.length !== n) throw bad(`manifest of card ${m.card} seq ${m.seq} does not cover the card's ${n} pages`);
  m.blobs.forEach((b, p) => {
    if (b >= blobCount) throw bad(`manifest of card ${m.card} seq ${m.seq} page ${p} names blob ${b}, the file has ${blobCount}`);
  });
  const seqs = Uint32Array.from(m.seqs);
  return { cardNumber: m.card, seq: m.seq, seqs, kinds: Uint8Array.from(m.kinds) };
}

/** Two manifests must agree on the copy of a page they both take from the same backup. */
function checkCopies(ic: ImportCard): void {
  const copy = new Map<string, number>();
  for (const m of ic.manifests) {
    const blobs = ic.pageBlobs.get(m.seq) as number[];
    m.seqs.forEach((s, p) => {
      const key = `${s}/${p}`;
      const b = blobs[p] as number;
      const was = copy.get(key);
      if (was === undefined) copy.set(key, b);
      else if (was !== b) throw bad(`card ${ic.card.cardNumber}: manifests disagree on the copy of page ${p} stored by seq ${s} (seq ${m.seq} names another one)`);
    });
  }
}

export function checkContents(c: ExportContents): ImportSet {
  const { index } = c;
  const { cards, cardOf } = listCards<ImportCard>(index.cards, (card, certificate) => ({
    card,
    ...(certificate ? { certificate } : {}),
    backups: [],
    manifests: [],
    pageBlobs: new Map(),
    tombstones: [],
  }));
  const firstOf = new Map<string, number>();
  index.blobs.forEach(([h], i) => {
    const j = firstOf.get(h);
    if (j !== undefined) throw bad(`blob ${shortHash(h)} is in the file twice (entries ${j} and ${i})`);
    firstOf.set(h, i);
  });
  const manifests = new Map(index.manifests.map((m) => [`${m.card}/${m.seq}`, m]));
  if (manifests.size !== index.manifests.length) throw bad('a manifest is listed twice');
  const used = new Set<number>();
  const seen = new Set<string>();
  const once = (cn: string, seq: number) => {
    if (seen.has(`${cn}/${seq}`)) throw bad(`card ${cn} seq ${seq} is listed twice`);
    seen.add(`${cn}/${seq}`);
  };
  // Signatures are checked after, all at once (import-set.ts).
  const headerOf = (ic: ImportCard, seq: number, hex: string, hash: string) => {
    const h = checkHeader(ic.card.cardNumber, seq, fromHex(hex), hash);
    const first = h.findings[0];
    if (first || !h.fields) throw bad(first ? findingText(first) : `card ${ic.card.cardNumber} seq ${seq}: header does not decode`);
    const f = h.fields;
    if (f.issuer !== ic.card.issuer || f.memorySize !== ic.card.memorySize || f.pageSize !== ic.card.pageSize)
      throw bad(`card ${ic.card.cardNumber} seq ${seq}: header's issuer or memory layout differs from the card's`);
    return f;
  };

  for (const b of index.backups) {
    const ic = cardOf(b.card, `backup seq ${b.seq}`);
    once(b.card, b.seq);
    const header = fromHex(b.header);
    const f = headerOf(ic, b.seq, b.header, b.headerHash);
    const k = decodeStoredKey(fromHex(b.wrappedKey));
    if (!k.ok) throw bad(`card ${b.card} seq ${b.seq}: ${k.error.message}`);
    const pair = pairProblem(f, k.value);
    if (pair) throw bad(`card ${b.card} seq ${b.seq}: ${pair}`);
    const em = manifests.get(`${b.card}/${b.seq}`);
    if (!em) throw bad(`card ${b.card} seq ${b.seq}: manifest is missing`);
    const m = toManifest(em, index.blobs.length, f);
    const mf = checkManifest(b.card, b.seq, f, m)[0];
    if (mf) throw bad(findingText(mf));
    const carried: number[] = [];
    em.seqs.forEach((s, p) => {
      if (s !== b.seq) return;
      carried.push(p);
      if (em.kinds[p] !== KIND_CODE[f.kind]) throw bad(`card ${b.card} seq ${b.seq} page ${p}: kind differs from the header's`);
      if (index.blobs[em.blobs[p] as number]?.[1] !== f.pageSize + TAG_BYTES) throw bad(`card ${b.card} seq ${b.seq} page ${p}: sealed page has the wrong length`);
    });
    if (carried.length !== f.recordCount) throw bad(`card ${b.card} seq ${b.seq}: manifest carries ${carried.length} pages, the header announces ${f.recordCount}`);
    for (const i of em.blobs) used.add(i);
    ic.manifests.push(m);
    ic.pageBlobs.set(b.seq, em.blobs);
    ic.backups.push({
      cardNumber: b.card,
      seq: b.seq,
      date: f.date,
      kind: f.kind,
      baseSeq: f.baseSeq,
      epoch: f.epoch,
      bytes: 79 + 126 + carried.length * (2 + f.pageSize + TAG_BYTES),
      pagesCarried: carried.length,
      pagesChanged: Uint32Array.from(carried),
      header,
      wrappedKey: fromHex(b.wrappedKey),
      ...keptSignature(fromHex(b.wrappedKey), b.headerSignature === undefined ? undefined : fromHex(b.headerSignature)),
      headerHash: b.headerHash,
      prevHash: toHex(f.prevHash),
      confirmed: b.confirmed,
      storedAt: b.storedAt,
    });
  }
  for (const t of index.tombstones) {
    const ic = cardOf(t.card, `tombstone seq ${t.seq}`);
    once(t.card, t.seq);
    const f = headerOf(ic, t.seq, t.header, t.headerHash);
    ic.tombstones.push({
      cardNumber: t.card,
      seq: t.seq,
      header: fromHex(t.header),
      ...(t.wrappedKey === undefined ? {} : { wrappedKey: fromHex(t.wrappedKey) }),
      ...keptSignature(t.wrappedKey === undefined ? undefined : fromHex(t.wrappedKey), t.headerSignature === undefined ? undefined : fromHex(t.headerSignature)),
      headerHash: t.headerHash,
      prevHash: toHex(f.prevHash),
      deletedAt: t.deletedAt,
      reason: t.reason,
    });
  }
  const backed = new Set(index.backups.map((b) => `${b.card}/${b.seq}`));
  for (const m of index.manifests) if (!backed.has(`${m.card}/${m.seq}`)) throw bad(`manifest of card ${m.card} seq ${m.seq} has no backup`);
  index.blobs.forEach(([h], i) => {
    if (!used.has(i)) throw bad(`blob ${h.slice(0, 8)}… is used by no manifest`);
  });
  for (const ic of cards.values()) {
    checkCopies(ic);
    const links = [...ic.backups.map((b) => ({ ...b, settled: b.confirmed })), ...ic.tombstones.map((t) => ({ ...t, settled: true }))];
    const broken = checkChain(links).find((p) => p.severity === 'damage');
    if (broken) throw bad(`card ${ic.card.cardNumber}: chain broken: ${broken.message}`);
  }
  return { cards, blobs: c.blobs };
}
