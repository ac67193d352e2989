/**
 * Structural verify: everything a restore needs is present and unaltered, without the
 * card. Every header decodes and hashes to what it was stored under; every manifest
 * covers the card, adds up to its header's page map and names packs that exist, hold
 * the pages it points at them for, and hash to what they were stored under; the prevHash
 * chain holds across deleted backups (tombstones). Each stored value is read once.
 *
 * Partial mode (restic's --read-data-subset, borg's --max-duration): headers, manifests
 * and the chain are always checked (they are small); of the packs (the bulk) only the
 * ones checked least recently are read and hashed, up to `maxPacks` or until `budgetMs`
 * has passed. Every run leaves a record of what it read (check-log.ts: when, and whether it was sound), so
 * successive partial runs cover the whole vault, oldest first.
 * Deep verify (the card opens every record) is the host's, from restorePlan.
 */
import { TAG_BYTES } from '../protocol/backup-format.ts';
import { VaultError } from './errors.ts';
import { digestHex, shortHash, toHex } from './hash.ts';
import { checkChain } from './chain.ts';
import { asWholeCheck, lastChecks, recordChecks, wholeCheckKey } from './check-log.ts';
import { checkHeader, checkManifest, checkRow, type Finding } from './checks.ts';
import { signatureProblem, type SignedParts } from './signature.ts';
import { anchorsOf, keptBytes, signatureIntact, type SignedLink } from './signed-chain.ts';
import type { StoredHeader } from './versions.ts';
import { mapBytes, packShapeProblem } from './manifest.ts';
import { hashesBySeq, packHashOf } from './pack-hash.ts';
import { sameList } from './sorted.ts';
import { cardRange, type CardRow, type CheckRow, type ManifestRow, type PackRow, type VaultDB } from './schema.ts';

export interface VerifyOptions {
  /** Only this card (default: every card). */
  card?: string;
  /** Read and hash at most this many packs per card, least recently checked first. */
  maxPacks?: number;
  /** Stop reading packs once this many milliseconds have passed (by the vault's clock). */
  budgetMs?: number;
  /**
   * 'chain' (default): the card signature of each anchor header (the newest, the first
   * after a gap) and the hash links back from it, each vouched header's signature bytes
   * against the hash they were checked with (signed-chain.ts). 'every': one Ed25519
   * check per header, as before.
   */
  signatures?: 'chain' | 'every';
}

/**
 * Which pages of each pack some point takes (a bitmap per pack seq, the union over every
 * manifest), and the manifests themselves to name the points when something is wrong:
 * building per-point lists for 1,000 manifests cost more than the packs' hashing.
 */
interface Uses {
  need: Map<number, Uint8Array>;
  manifests: ManifestRow[];
}

function noteUses(uses: Uses, m: ManifestRow): void {
  uses.manifests.push(m);
  const n = m.seqs.length;
  let last = -1;
  let bits: Uint8Array | undefined;
  for (let p = 0; p < n; p++) {
    const s = m.seqs[p] as number;
    if (s !== last) {
      last = s;
      bits = uses.need.get(s);
      if (!bits) uses.need.set(s, (bits = new Uint8Array(n)));
    }
    (bits as Uint8Array)[p] = 1;
  }
}

/** The points whose manifests take pages from pack `seq`, ascending. */
const pointsOf = (uses: Uses, seq: number): number[] => uses.manifests.filter((m) => m.seqs.includes(seq)).map((m) => m.seq);

const neededBy = (points: number[]) =>
  points.length === 0 ? 'its own backup only' : points.length === 1 ? `needed by seq ${points[0]} only` : `needed by ${points.length} points, seq ${points[0]}..${points[points.length - 1]}`;

/** Findings for a pack already read and hashed (`actual`: the SHA-256 of its bytes; `entry`: its packHashes row's hash). */
function checkPack(c: CardRow, seq: number, pack: PackRow | undefined, actual: string | undefined, entry: string | undefined, uses: Uses, ownPages: Uint32Array | number[] | undefined): Finding[] {
  const card = c.cardNumber;
  const needed = () => neededBy(pointsOf(uses, seq));
  const at = { card, seq, severity: 'damage' as const };
  if (!pack) return [{ ...at, code: 'PACK_MISSING', message: `the pages stored by seq ${seq} are missing (${needed()})` }];
  const shape = packShapeProblem(pack, c.memorySize / c.pageSize, c.pageSize + TAG_BYTES);
  if (shape) return [{ ...at, code: 'PACK_SHAPE', message: `the pages stored by seq ${seq}: ${shape} (${needed()})` }];
  const stored = packHashOf(pack, entry);
  if (stored === undefined) return [{ ...at, code: 'PACK_HASH', message: `the pages stored by seq ${seq} have no stored hash, so they cannot be checked (${needed()})` }];
  if (actual !== stored)
    return [{ ...at, code: 'PACK_HASH', message: `the pages stored by seq ${seq} hash to ${shortHash(actual ?? '')}, stored as ${shortHash(stored)}: their bytes were altered (${needed()})` }];
  const out: Finding[] = [];
  const bits = uses.need.get(seq);
  if (bits) {
    const held = new Uint8Array(bits.length);
    for (const p of pack.pages) held[p] = 1;
    let lacking = false;
    for (let p = 0; p < bits.length && !lacking; p++) lacking = bits[p] === 1 && held[p] === 0;
    if (lacking)
      for (const m of uses.manifests) {
        const lost: number[] = [];
        m.seqs.forEach((s, p) => s === seq && held[p] === 0 && lost.push(p));
        if (lost.length > 0) out.push({ card, seq: m.seq, page: lost[0] as number, code: 'PACK_SHAPE', severity: 'damage', message: `page ${lost.join(', ')} from seq ${seq} is not in its pack` });
      }
  }
  if (ownPages && (!sameList(ownPages, pack.pages)))
    out.push({ ...at, code: 'PACK_SHAPE', message: `the pack of seq ${seq} holds pages other than the ones it carried` });
  return out;
}

/** Packs are read this many per read transaction (requests pipelined), then hashed: bounded memory, few transactions. */
const BATCH = 64;

interface Signed {
  parts: SignedParts;
  link: SignedLink;
}

/**
 * The card signatures of the anchors (or of every header), issued together (WebCrypto;
 * Chromium 156 does the work in each call, on this thread). If an anchor fails, what it vouched for is unproven, so every header is
 * then checked. Findings in seq order.
 */
async function checkSignatures(c: CardRow, signed: readonly Signed[], mode: 'chain' | 'every'): Promise<Finding[]> {
  const card = c.cardNumber;
  const check = (xs: readonly Signed[]) =>
    Promise.all(
      xs.map(async (x): Promise<Finding | undefined> => {
        const message = await signatureProblem(c.certificate, card, x.parts);
        return message ? { card, seq: x.link.seq, code: 'HEADER_SIGNATURE', severity: 'damage', message } : undefined;
      }),
    );
  const anchors = mode === 'every' ? undefined : anchorsOf(signed.map((x) => x.link));
  const first = anchors ? signed.filter((x) => anchors.has(x.link.seq)) : signed;
  const found = (await check(first)).filter((x) => x !== undefined);
  if (found.length > 0 && anchors) found.push(...(await check(signed.filter((x) => !anchors.has(x.link.seq)))).filter((x) => x !== undefined));
  return found.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

function checkHead(c: CardRow, newest: { seq: number; headerHash: string } | undefined, confirmedSeq: number, maxSeq: number): Finding[] {
  const wrong: string[] = [];
  if (c.headSeq < maxSeq) wrong.push(`head seq ${c.headSeq} is below stored seq ${maxSeq}`);
  if (c.headHash !== (newest?.headerHash ?? '')) wrong.push(`head hash ${shortHash(c.headHash)} is not the newest backup's`);
  if (c.confirmedSeq !== confirmedSeq) wrong.push(`newest confirmed seq says ${c.confirmedSeq}, backups say ${confirmedSeq}`);
  return wrong.map((message) => ({ card: c.cardNumber, code: 'CARD_HEAD', severity: 'damage', message }));
}

async function verifyCard(db: VaultDB, c: CardRow, opts: VerifyOptions, now: () => number): Promise<Finding[]> {
  const card = c.cardNumber;
  const out: Finding[] = [];
  // The small values in one read transaction: rows, tombstones, manifests, pack keys, checks.
  const tx = db.transaction(['backups', 'manifests', 'packs', 'packHashes', 'tombstones', 'checks', 'meta']);
  // Every manifest is kept until the packs are checked (they name the points a damaged
  // pack breaks), so they are read in one request with the rest, all pipelined.
  const [rows, tombs, packKeys, hashRows, checks, whole, manifestRows] = await Promise.all([
    tx.objectStore('backups').getAll(cardRange(card)),
    tx.objectStore('tombstones').getAll(cardRange(card)),
    tx.objectStore('packs').getAllKeys(cardRange(card)),
    tx.objectStore('packHashes').getAll(cardRange(card)),
    tx.objectStore('checks').getAll(cardRange(card)),
    tx.objectStore('meta').get(wholeCheckKey(card)),
    tx.objectStore('manifests').getAll(cardRange(card)),
  ]);
  const manifests = new Map(manifestRows.map((m) => [m.seq, m]));
  const packHashes = hashesBySeq(hashRows);
  const uses: Uses = { need: new Map(), manifests: [] };
  // Header and page-map hashes all at once with WebCrypto (the reads above are done, so
  // letting this transaction commit meanwhile is fine).
  const kept = (x: SignedParts) => (x.wrappedKey && x.headerSignature?.length === 64 ? digestHex(keptBytes(x.wrappedKey, x.headerSignature)) : undefined);
  const [headerHashes, tombHashes, rowKept, tombKept, mapHashes] = await Promise.all([
    Promise.all(rows.map((r) => digestHex(r.header))),
    Promise.all(tombs.map((t) => digestHex(t.header))),
    Promise.all(rows.map(kept)),
    Promise.all(tombs.map(kept)),
    Promise.all([...manifests.values()].map(async (m) => [m.seq, await digestHex(mapBytes(m))] as const)).then((xs) => new Map(xs)),
  ]);
  const own = new Map<number, Uint32Array | number[]>();
  // Every header's place in the signed chain; which signatures are checked is decided below.
  const signed: Signed[] = [];
  const note = (x: SignedParts & { seq: number; signatureHash?: string }, actual: string, f: StoredHeader | undefined, keptActual: string | undefined) =>
    signed.push({
      parts: x,
      link: { seq: x.seq, actualHash: actual, prevHash: f && toHex(f.prevHash), signatureIntact: signatureIntact(c.certificate, f?.version ?? 0, x.wrappedKey, x.headerSignature, x.signatureHash, keptActual) },
    });
  for (const [i, t] of tombs.entries()) {
    const h = checkHeader(card, t.seq, t.header, t.headerHash, tombHashes[i]);
    out.push(...h.findings);
    note(t, tombHashes[i] as string, h.fields, tombKept[i]);
  }
  for (const [i, row] of rows.entries()) {
    const h = checkHeader(card, row.seq, row.header, row.headerHash, headerHashes[i]);
    out.push(...h.findings);
    note(row, headerHashes[i] as string, h.fields, rowKept[i]);
    if (!h.fields) continue;
    out.push(...checkRow(row, h.fields));
    const m = manifests.get(row.seq);
    const mf = checkManifest(card, row.seq, h.fields, m, mapHashes.get(row.seq));
    out.push(...mf);
    own.set(row.seq, row.pagesChanged);
    if (m && !mf.some((f) => f.code === 'MANIFEST_SHAPE')) noteUses(uses, m);
  }
  await tx.done;
  // The signatures are issued now, before the packs are read and hashed; their findings
  // go here, after the headers', when they are in.
  const signaturesAt = out.length;
  const signatureFindings = checkSignatures(c, signed, opts.signatures ?? 'chain');
  // Every pack a manifest or a backup names must exist, whether or not this run reads it.
  const held = new Set(packKeys.map((k) => k[1]));
  for (const s of new Set([...uses.need.keys(), ...own.keys()]))
    if (!held.has(s)) out.push({ card, seq: s, code: 'PACK_MISSING', severity: 'damage', message: `the pages stored by seq ${s} are missing (${neededBy(pointsOf(uses, s))})` });
  // The bulk: packs, least recently checked first (never checked before all others).
  const last = lastChecks(checks, asWholeCheck(whole));
  const lastChecked = new Map([...held].map((s) => [s, last(s)?.checkedAt ?? -1]));
  const partial = opts.maxPacks !== undefined || opts.budgetMs !== undefined;
  // Whole runs read in key order (range reads); partial runs least recently checked first (single reads).
  const order = partial ? [...held].sort((a, b) => (lastChecked.get(a) ?? -1) - (lastChecked.get(b) ?? -1) || a - b) : [...held].sort((a, b) => a - b);
  const started = now();
  const limit = opts.maxPacks ?? Infinity;
  const records: CheckRow[] = [];
  const overBudget = () => opts.budgetMs !== undefined && records.length > 0 && now() - started >= opts.budgetMs;
  let stop = false;
  for (let i = 0; !stop && i < order.length && records.length < limit; ) {
    // Under a time budget, one pack at a time, so the budget is kept to within one pack's hash.
    const size = opts.budgetMs === undefined ? BATCH : 1;
    const batch = order.slice(i, Math.min(i + size, i + (limit - records.length)));
    i += batch.length;
    const rtx = db.transaction('packs');
    const read: (PackRow | undefined)[] = partial
      ? await Promise.all(batch.map((s) => rtx.store.get([card, s])))
      : await rtx.store.getAll(IDBKeyRange.bound([card, batch[0] as number], [card, batch[batch.length - 1] as number]), batch.length);
    const bySeq = new Map(read.filter((p) => p !== undefined).map((p) => [p.seq, p]));
    const packs = batch.map((s) => bySeq.get(s));
    // A batch's hashes together (WebCrypto; in Chromium 156 each runs in its call, on
    // this thread); the budget is then spent a batch at a time, the first batch always.
    if ((stop = overBudget())) break;
    const hashes = await Promise.all(packs.map((p) => (p && !packShapeProblem(p, c.memorySize / c.pageSize, c.pageSize + TAG_BYTES) ? digestHex(p.sealed) : undefined)));
    for (const [j, s] of batch.entries()) {
      const found = checkPack(c, s, packs[j], hashes[j], packHashes.get(s), uses, own.get(s));
      out.push(...found);
      records.push({ cardNumber: card, seq: s, checkedAt: now(), ok: found.length === 0 });
    }
  }
  // The record of what was read; a record, never a reason to fail the check.
  await recordChecks(db, card, records, !partial, started);
  out.splice(signaturesAt, 0, ...(await signatureFindings));
  const links = [...rows.map((r) => ({ ...r, settled: r.confirmed })), ...tombs.map((t) => ({ ...t, settled: true }))];
  for (const p of checkChain(links)) out.push({ card, seq: p.seq, code: p.severity === 'gap' ? 'CHAIN_GAP' : 'CHAIN_BROKEN', severity: p.severity, message: p.message });
  const maxSeq = Math.max(0, ...links.map((l) => l.seq));
  out.push(...checkHead(c, rows[rows.length - 1], rows.filter((r) => r.confirmed).pop()?.seq ?? 0, maxSeq));
  return out;
}

/** Findings, damage and gaps, in card and seq order; an empty list means all is well. */
export async function verify(db: VaultDB, opts: VerifyOptions, now: () => number, lock: <T>(card: string, fn: () => Promise<T>) => Promise<T>): Promise<Finding[]> {
  const cards = opts.card === undefined ? await db.getAll('cards') : [await db.get('cards', opts.card)];
  const out: Finding[] = [];
  for (const c of cards) {
    if (!c) throw new VaultError('NOT_FOUND', `no card ${opts.card ?? ''} in the vault`);
    // Under the card's lock: a retention run between reading a manifest and its pack is not damage.
    out.push(...(await lock(c.cardNumber, () => verifyCard(db, c, opts, now))));
  }
  return out;
}

export interface CheckCoverage {
  card: string;
  packs: number;
  /** Packs read at least once by verify. */
  checked: number;
  /** When the least recently checked pack was read (0 when some pack never was). */
  oldestCheck: number;
  /** Packs whose last read found damage. */
  failed: number;
}

/** What verify has read of a card, and when: the record of partial and whole runs (check-log.ts). */
export async function checkCoverage(db: VaultDB, card: string): Promise<CheckCoverage> {
  const tx = db.transaction(['packs', 'checks', 'meta']);
  const [keys, checks, whole] = await Promise.all([
    tx.objectStore('packs').getAllKeys(cardRange(card)),
    tx.objectStore('checks').getAll(cardRange(card)),
    tx.objectStore('meta').get(wholeCheckKey(card)),
  ]);
  const last = lastChecks(checks, asWholeCheck(whole));
  const got = keys.map((k) => last(k[1]));
  return {
    card,
    packs: keys.length,
    checked: got.filter((g) => g !== undefined).length,
    oldestCheck: got.some((g) => g === undefined) ? 0 : Math.min(...got.map((g) => g?.checkedAt ?? 0)),
    failed: got.filter((g) => g && !g.ok).length,
  };
}
