/**
 * What a version-2 export file means (export-packs.ts), checked before anything is
 * written, with the same judgements as verify (checks.ts, chain.ts): every header decodes,
 * hashes to its recorded hash, belongs to its card and fits its layout; each wrapped key
 * is of the header's protocol version and names its card and epoch; every backup has a
 * page map that covers the card and adds up to its header's pageMapHash, and its own pack
 * holds exactly the pages it carried (as many as the header announces, of the header's
 * kind); every pack a page map names is in the file and holds the pages taken from it;
 * nothing is listed twice or left over; each card's chain holds. Signatures: import-set.
 */
import { keptSignature } from './signed-chain.ts';
import { KIND_CODE, TAG_BYTES } from '../protocol/backup-format.ts';
import { checkChain } from './chain.ts';
import { checkHeader, checkManifest, findingText } from './checks.ts';
import { bad } from './export-format.ts';
import type { ContentsV2 } from './export-packs.ts';
import type { PackedCard } from './import-set.ts';
import { hexBytes, toHex } from './hash.ts';
import { packShapeProblem } from './manifest.ts';
import { listCards } from './export-cards.ts';
import { sameList } from './sorted.ts';
import type { ManifestRow, PackRow } from './schema.ts';
import { decodeStoredKey, pairProblem, type StoredHeader } from './versions.ts';

const key = (cn: string, seq: number) => `${cn}/${seq}`;

function byKey<T extends { cardNumber: string; seq: number }>(rows: T[], what: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const r of rows) {
    if (out.has(key(r.cardNumber, r.seq))) throw bad(`${what} of card ${r.cardNumber} seq ${r.seq} is listed twice`);
    out.set(key(r.cardNumber, r.seq), r);
  }
  return out;
}

/** Synchronous (page maps hashed with the library): import runs it inside its write transaction. */
export function checkContentsV2(c: ContentsV2): Map<string, PackedCard> {
  const { index } = c;
  const { cards, cardOf } = listCards<PackedCard>(index.cards, (card, certificate) => ({
    card,
    ...(certificate ? { certificate } : {}),
    backups: [],
    manifests: [],
    tombstones: [],
    packs: new Map(),
  }));
  const maps = byKey(c.maps, 'page map');
  const packs = byKey(c.packs, 'pack');
  const seen = new Set<string>();
  const headerOf = (ic: PackedCard, seq: number, header: Uint8Array, hash: string): StoredHeader => {
    const cn = ic.card.cardNumber;
    if (seen.has(key(cn, seq))) throw bad(`card ${cn} seq ${seq} is listed twice`);
    seen.add(key(cn, seq));
    const h = checkHeader(cn, seq, header, hash);
    const first = h.findings[0];
    if (first || !h.fields) throw bad(first ? findingText(first) : `card ${cn} seq ${seq}: header does not decode`);
    const f = h.fields;
    if (f.issuer !== ic.card.issuer || f.memorySize !== ic.card.memorySize || f.pageSize !== ic.card.pageSize)
      throw bad(`card ${cn} seq ${seq}: header's issuer or memory layout differs from the card's`);
    return f;
  };
  // The kind of each backup seq the file knows of, for the page maps' kind codes.
  const sources: Sources = new Map();
  const sourceOf = (cn: string, seq: number): Source => {
    let byseq = sources.get(cn);
    if (!byseq) sources.set(cn, (byseq = new Map()));
    let src = byseq.get(seq);
    if (!src) byseq.set(seq, (src = { used: false }));
    return src;
  };
  for (const b of index.backups) {
    const ic = cardOf(b.card, `backup seq ${b.seq}`);
    const header = hexBytes(b.header);
    const f = headerOf(ic, b.seq, header, b.headerHash);
    const wrappedKey = hexBytes(b.wrappedKey);
    const k = decodeStoredKey(wrappedKey);
    if (!k.ok) throw bad(`card ${b.card} seq ${b.seq}: ${k.error.message}`);
    const pair = pairProblem(f, k.value);
    if (pair) throw bad(`card ${b.card} seq ${b.seq}: ${pair}`);
    const m = maps.get(key(b.card, b.seq));
    if (!m) throw bad(`card ${b.card} seq ${b.seq}: its page map is missing`);
    const mf = checkManifest(b.card, b.seq, f, m)[0];
    if (mf) throw bad(findingText(mf));
    const carried: number[] = [];
    const code = KIND_CODE[f.kind];
    for (let p = 0; p < m.seqs.length; p++) {
      if (m.seqs[p] !== b.seq) continue;
      carried.push(p);
      if (m.kinds[p] !== code) throw bad(`card ${b.card} seq ${b.seq} page ${p}: kind differs from the header's`);
    }
    if (carried.length !== f.recordCount) throw bad(`card ${b.card} seq ${b.seq}: page map carries ${carried.length} pages, the header announces ${f.recordCount}`);
    const own = packs.get(key(b.card, b.seq));
    if (!own) throw bad(`card ${b.card} seq ${b.seq}: the pages it stored are missing from the file`);
    if (own.recordBytes !== f.pageSize + TAG_BYTES) throw bad(`card ${b.card} seq ${b.seq}: its records are ${own.recordBytes} bytes, the card's are ${f.pageSize + TAG_BYTES}`);
    if (!sameList(own.pages, carried)) throw bad(`card ${b.card} seq ${b.seq}: its pack holds other pages than the ones its page map says it carried`);
    sourceOf(b.card, b.seq).kind = KIND_CODE[f.kind];
    ic.manifests.push(m);
    ic.backups.push({
      cardNumber: b.card,
      seq: b.seq,
      date: f.date,
      kind: f.kind,
      baseSeq: f.baseSeq,
      epoch: f.epoch,
      bytes: wrappedKey.length + 126 + (b.headerSignature === undefined ? 0 : 64) + carried.length * (2 + f.pageSize + TAG_BYTES),
      pagesCarried: carried.length,
      pagesChanged: Uint32Array.from(carried),
      header,
      wrappedKey,
      ...keptSignature(wrappedKey, b.headerSignature === undefined ? undefined : hexBytes(b.headerSignature)),
      headerHash: b.headerHash,
      prevHash: toHex(f.prevHash),
      confirmed: b.confirmed,
      storedAt: b.storedAt,
    });
  }
  for (const t of index.tombstones) {
    const ic = cardOf(t.card, `tombstone seq ${t.seq}`);
    const header = hexBytes(t.header);
    const f = headerOf(ic, t.seq, header, t.headerHash);
    sourceOf(t.card, t.seq).kind = KIND_CODE[f.kind];
    ic.tombstones.push({
      cardNumber: t.card,
      seq: t.seq,
      header,
      ...(t.wrappedKey === undefined ? {} : { wrappedKey: hexBytes(t.wrappedKey) }),
      ...keptSignature(t.wrappedKey === undefined ? undefined : hexBytes(t.wrappedKey), t.headerSignature === undefined ? undefined : hexBytes(t.headerSignature)),
      headerHash: t.headerHash,
      prevHash: toHex(f.prevHash),
      deletedAt: t.deletedAt,
      reason: t.reason,
    });
  }
  const backed = new Set(index.backups.map((b) => key(b.card, b.seq)));
  for (const p of c.packs) {
    const ic = cardOf(p.cardNumber, `pack seq ${p.seq}`);
    const shape = packShapeProblem(p, ic.card.memorySize / ic.card.pageSize, ic.card.pageSize + TAG_BYTES);
    if (shape) throw bad(`the pages of card ${p.cardNumber} seq ${p.seq}: ${shape}`);
    sourceOf(p.cardNumber, p.seq).pack = p;
  }
  for (const m of c.maps) {
    if (!backed.has(key(m.cardNumber, m.seq))) throw bad(`page map of card ${m.cardNumber} seq ${m.seq} has no backup`);
    usePacks(m, sources.get(m.cardNumber) ?? new Map());
  }
  for (const p of c.packs) {
    if (!sourceOf(p.cardNumber, p.seq).used && !backed.has(key(p.cardNumber, p.seq))) throw bad(`the pages of card ${p.cardNumber} seq ${p.seq} are used by no point`);
    cardOf(p.cardNumber, `pack seq ${p.seq}`).packs.set(p.seq, p);
  }
  for (const ic of cards.values()) {
    const links = [...ic.backups.map((b) => ({ ...b, settled: b.confirmed })), ...ic.tombstones.map((t) => ({ ...t, settled: true }))];
    const broken = checkChain(links).find((p) => p.severity === 'damage');
    if (broken) throw bad(`card ${ic.card.cardNumber}: chain broken: ${broken.message}`);
  }
  return cards;
}

/**
 * What the file holds of one backup seq of a card, looked up by number (not by a
 * "card/seq" string per page run: a diff chain's page map changes source almost every page).
 */
interface Source {
  pack?: PackRow;
  /** Which pages the pack holds, by page: made on first use. */
  bits?: Uint8Array;
  /** Kind code of that backup: from its header, else from the first page map naming it. */
  kind?: number;
  used: boolean;
}
type Sources = Map<string, Map<number, Source>>;

function holdingsOf(pack: PackRow, pageCount: number): Uint8Array {
  const bits = new Uint8Array(pageCount);
  for (const p of pack.pages) if (p < pageCount) bits[p] = 1;
  return bits;
}

/** Every page a map takes from seq s is in s's pack, with s's kind. */
function usePacks(m: ManifestRow, bySeq: Map<number, Source>): void {
  const cn = m.cardNumber;
  let last = -1;
  let src: Source | undefined;
  for (let p = 0; p < m.seqs.length; p++) {
    const s = m.seqs[p] as number;
    if (s !== last) {
      last = s;
      src = bySeq.get(s);
      if (!src?.pack) throw bad(`card ${cn} seq ${m.seq} page ${p}: the pages stored by seq ${s} are missing from the file`);
      src.bits ??= holdingsOf(src.pack, m.seqs.length);
      src.kind ??= m.kinds[p] as number;
      src.used = true;
    }
    const x = src as Source;
    if ((x.bits as Uint8Array)[p] !== 1) throw bad(`card ${cn} seq ${m.seq} page ${p}: the pack of seq ${s} does not hold it`);
    if (m.kinds[p] !== x.kind) throw bad(`card ${cn} seq ${m.seq} page ${p}: names seq ${s} as another kind of backup than it is`);
  }
}
