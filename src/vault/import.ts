/**
 * Import an export file (version 2, or version 1 from before), in ONE readwrite
 * transaction. A version-2 file's container, digest and pack hashes are checked first
 * (export-format, export-packs); a version-1 file is checked whole (export-check). The
 * transaction reads what the vault holds of the file's cards, puts the file's packs it does
 * not hold (so the engine stores them while the rest is checked), then checks what the file
 * means (export-check-v2), refuses on any disagreement with the vault, writes the merge,
 * and checks every header's card signature (import-set) while the engine stores it. Any
 * refusal aborts the transaction, so a refused or interrupted import leaves the vault
 * unchanged. Backups the vault holds are skipped, backups it deleted come back, new ones
 * are added; a pack it holds must agree byte for byte on every page both have, and grows
 * by pages only the file has.
 */
import { checkChain } from './chain.ts';
import { storageError, VaultError } from './errors.ts';
import { TAG_BYTES } from '../protocol/backup-format.ts';
import { checkContents, type ImportCard } from './export-check.ts';
import { checkContentsV2 } from './export-check-v2.ts';
import { decodeExportV1, EXPORT_V1, readContainer } from './export-format.ts';
import { decodeExportV2, type ContentsV2 } from './export-packs.ts';
import { fileSignatureProblem, packFromPages, packFromPagesNow, type PackedCard } from './import-set.ts';
import { sameBytes, signatureProblem } from './signature.ts';
import { distinctSeqs, recordOf, usesOf } from './manifest.ts';
import { unwrap } from 'idb';
import { writeAllTx, type WriteAllTx } from './head.ts';
import { cardRange, type BackupRow, type CardRow, type PackRow, type TombstoneRow, type VaultDB } from './schema.ts';
import { holdOpen, inTransaction } from './tx.ts';

export interface ImportReport {
  cards: number;
  /** Backups written (new, or brought back after deletion). */
  added: number;
  /** Backups the vault already held. */
  alreadyHeld: number;
  tombstones: number;
  /** Packs written (new, or grown by pages the vault's copy lacked). */
  packs: number;
}

const conflict = (cn: string, seq: number, what: string) => new VaultError('CONFLICT', `import refused: card ${cn} seq ${seq}: ${what}; nothing was imported`);

/** What the write transaction reads of one card first, all cards' reads at once. */
interface Held {
  known: CardRow | undefined;
  rows: BackupRow[];
  tombs: TombstoneRow[];
  packKeys: Set<number>;
}

/** Decide, for one card, what to write; throws CONFLICT when the file and vault disagree. */
function planCard(ic: PackedCard, h: Held) {
  const cn = ic.card.cardNumber;
  const { known } = h;
  if (known && (known.issuer !== ic.card.issuer || known.memorySize !== ic.card.memorySize || known.pageSize !== ic.card.pageSize))
    throw new VaultError('CONFLICT', `import refused: card ${cn} in the file has another issuer or memory layout than in the vault; nothing was imported`);
  const held = new Map(h.rows.map((b) => [b.seq, b]));
  const dead = new Map(h.tombs.map((t) => [t.seq, t]));
  const add: BackupRow[] = [];
  const confirm: BackupRow[] = [];
  const revive: number[] = [];
  const bury: TombstoneRow[] = [];
  for (const b of ic.backups) {
    const x = held.get(b.seq) ?? dead.get(b.seq);
    if (x && x.headerHash !== b.headerHash) throw conflict(cn, b.seq, 'the vault holds a different backup with this sequence number');
    const row = held.get(b.seq);
    if (row) {
      if (b.confirmed && !row.confirmed) confirm.push(row);
      continue;
    }
    if (dead.has(b.seq)) revive.push(b.seq);
    add.push(b);
  }
  for (const t of ic.tombstones) {
    const x = held.get(t.seq) ?? dead.get(t.seq);
    if (x && x.headerHash !== t.headerHash) throw conflict(cn, t.seq, 'the vault holds a different backup with this sequence number');
    if (!x) bury.push(t);
  }
  // The merged chain must hold too: a file from another card's history must not splice in.
  const links = new Map<number, { seq: number; headerHash: string; prevHash: string; settled: boolean }>();
  for (const t of [...dead.values(), ...bury]) links.set(t.seq, { ...t, settled: true });
  for (const b of [...held.values(), ...add]) links.set(b.seq, { ...b, settled: b.confirmed || confirm.some((c) => c.seq === b.seq) });
  const broken = checkChain([...links.values()]).find((p) => p.severity === 'damage');
  if (broken) throw conflict(cn, broken.seq, `the merged chain would break: ${broken.message}`);
  // The packs the added points need, and which of them the vault holds already.
  const manifests = new Map(ic.manifests.map((m) => [m.seq, m]));
  const needed = new Set<number>();
  for (const b of add) {
    needed.add(b.seq);
    const m = manifests.get(b.seq);
    if (m) for (const s of distinctSeqs(m.seqs)) needed.add(s);
  }
  const heldNeeded = [...needed].filter((s) => h.packKeys.has(s));
  return { ic, known, held, dead, add, confirm, revive, bury, manifests, needed, heldNeeded };
}

/** A version-1 file's card with its per-page copies joined into one pack per backup seq. */
async function packedFromV1(ic: ImportCard, blobs: Uint8Array[]): Promise<PackedCard> {
  const pages = new Map<number, Map<number, Uint8Array>>();
  for (const m of ic.manifests) {
    const idx = ic.pageBlobs.get(m.seq) as number[];
    m.seqs.forEach((s, p) => {
      let pp = pages.get(s);
      if (!pp) pages.set(s, (pp = new Map()));
      pp.set(p, blobs[idx[p] as number] as Uint8Array);
    });
  }
  // A backup that carried nothing still has its (empty) pack: replay steps through it.
  for (const b of ic.backups) if (!pages.has(b.seq)) pages.set(b.seq, new Map());
  const packs = new Map<number, PackRow>();
  for (const [seq, pp] of pages) packs.set(seq, await packFromPages(ic.card.cardNumber, seq, ic.card.pageSize + TAG_BYTES, pp));
  const { pageBlobs: _b, ...rest } = ic;
  return { ...rest, packs };
}

/** A version-2 card cannot be merged into the history of a version-1 card with the same number. */
function versionClash(cards: PackedCard[], known: (cn: string) => CardRow | undefined): void {
  cards.forEach((ic) => {
    const k = known(ic.card.cardNumber);
    if (k && !k.certificate && ic.certificate && k.headSeq > 0)
      throw new VaultError('CONFLICT', `import refused: card ${ic.card.cardNumber} is held as a protocol version 1 card, the file's is a version-2 card with the same number; nothing was imported`);
  });
}

/**
 * The file's headers against the certificate the vault keeps for each card it knows
 * (where that differs from the file's, which fileSignatureProblem checked): a forged
 * header with its hashes recomputed is refused even when the file leaves the certificate out.
 */
async function vaultSignatureProblem(cards: PackedCard[], known: (cn: string) => CardRow | undefined): Promise<VaultError | undefined> {
  const jobs: Promise<VaultError | undefined>[] = [];
  cards.forEach((ic) => {
    const cn = ic.card.cardNumber;
    const k = known(cn);
    const cert = k?.certificate ?? ic.certificate;
    if (!k || sameBytes(cert, ic.certificate)) return;
    for (const x of [...ic.backups, ...ic.tombstones]) jobs.push(signatureProblem(cert, cn, x).then((sig) => (sig ? conflict(cn, x.seq, sig) : undefined)));
  });
  return (await Promise.all(jobs)).find((p) => p !== undefined);
}

/** The held pack grown by the file's pages, or undefined if it already holds them all; CONFLICT if a page differs. */
function merged(held: PackRow, file: PackRow): Map<number, Uint8Array> | undefined {
  const pages = new Map<number, Uint8Array>();
  held.pages.forEach((p, i) => pages.set(p, held.sealed.subarray(i * held.recordBytes, (i + 1) * held.recordBytes)));
  let grew = false;
  file.pages.forEach((p, i) => {
    const mine = recordOf(held, p);
    const theirs = file.sealed.subarray(i * file.recordBytes, (i + 1) * file.recordBytes);
    if (!mine) {
      pages.set(p, theirs);
      grew = true;
    } else if (!sameBytes(mine, theirs)) throw conflict(held.cardNumber, held.seq, `page ${p} differs from the copy the vault holds`);
  });
  return grew ? pages : undefined;
}

/** The card row after the merge: the head from what it holds now (as head.ts's refreshCard would read it back). */
function mergedCard(plan: ReturnType<typeof planCard>): CardRow {
  const { ic, known, held, dead, add, confirm, revive, bury } = plan;
  const rows = new Map([...held.values(), ...add].map((r) => [r.seq, r]));
  const confirmed = new Set([...rows.values()].filter((r) => r.confirmed).map((r) => r.seq));
  for (const r of confirm) confirmed.add(r.seq);
  const seqs = [...rows.keys()].sort((a, b) => a - b);
  const newest = rows.get(seqs[seqs.length - 1] ?? -1);
  const tombs = [...dead.keys(), ...bury.map((t) => t.seq)].filter((s) => !revive.includes(s));
  const { certificate: _hex, ...layout } = ic.card;
  const base = known ?? { ...layout, createdAt: ic.card.createdAt };
  const certificate = known?.certificate ?? ic.certificate;
  return {
    ...base,
    ...(certificate ? { certificate } : {}),
    headSeq: Math.max(newest?.seq ?? 0, ...tombs),
    headHash: newest?.headerHash ?? '',
    confirmedSeq: Math.max(0, ...confirmed),
  };
}

/** Every read of the write transaction, all at once before any write: what the vault holds of each card. */
async function readHeld(tx: WriteAllTx, cardNumbers: string[]): Promise<Map<string, Held>> {
  const held = await Promise.all(
    cardNumbers.map(async (cn): Promise<[string, Held]> => {
      const r = cardRange(cn);
      const [known, rows, tombs, keys] = await Promise.all([tx.objectStore('cards').get(cn), tx.objectStore('backups').getAll(r), tx.objectStore('tombstones').getAll(r), tx.objectStore('packs').getAllKeys(r)]);
      return [cn, { known, rows, tombs, packKeys: new Set(keys.map((k) => k[1])) }];
    }),
  );
  return new Map(held);
}

type Write = { store: 'packs' | 'manifests' | 'uses' | 'backups' | 'tombstones' | 'cards'; value: unknown } | { store: 'packs' | 'packHashes' | 'tombstones'; delete: [string, number] };

/** The merge's writes for the planned cards; `early`: packs already put, by card. CONFLICT if a held pack disagrees. */
function writesOf(plans: ReturnType<typeof planCard>[], heldPacks: (PackRow | undefined)[][], early: Map<string, Set<number>>, report: ImportReport): Write[] {
  const writes: Write[] = [];
  for (const [i, plan] of plans.entries()) {
    const { ic, add, confirm, revive, bury, manifests, needed, heldNeeded } = plan;
    const cn = ic.card.cardNumber;
    const put = early.get(cn) ?? new Set<number>();
    const heldSet = new Set(heldNeeded);
    for (const s of needed) {
      if (heldSet.has(s)) continue;
      if (!put.has(s)) writes.push({ store: 'packs', value: ic.packs.get(s) as PackRow });
      report.packs++;
    }
    // A pack put early that no added point needs (the vault holds every backup naming it): taken back.
    for (const s of put) if (!needed.has(s)) writes.push({ store: 'packs', delete: [cn, s] });
    for (const [j, s] of heldNeeded.entries()) {
      const h = heldPacks[i]?.[j];
      const pages = h && merged(h, ic.packs.get(s) as PackRow);
      if (!h || !pages) continue;
      // Rewritten with its new hash inside; a commit's hash of the old bytes goes (pack-hash.ts).
      writes.push({ store: 'packs', value: packFromPagesNow(cn, s, h.recordBytes, pages) }, { store: 'packHashes', delete: [cn, s] });
      report.packs++;
    }
    for (const b of add) {
      const m = manifests.get(b.seq);
      if (!m) continue; // the checks guarantee one
      writes.push({ store: 'manifests', value: m }, { store: 'uses', value: usesOf(m) }, { store: 'backups', value: b });
    }
    for (const r of confirm) writes.push({ store: 'backups', value: { ...r, confirmed: true } });
    for (const seq of revive) writes.push({ store: 'tombstones', delete: [cn, seq] });
    for (const t of bury) writes.push({ store: 'tombstones', value: t });
    writes.push({ store: 'cards', value: mergedCard(plan) });
    report.added += add.length;
    report.alreadyHeld += ic.backups.length - add.length;
    report.tombstones += bury.length;
  }
  return writes;
}

export async function importFile(db: VaultDB, file: Uint8Array): Promise<ImportReport> {
  const container = readContainer(file);
  let cards: PackedCard[] = [];
  let contents: ContentsV2 | undefined;
  if (container.version === EXPORT_V1) {
    const set = checkContents(decodeExportV1(file, container));
    cards = await Promise.all([...set.cards.values()].map((ic) => packedFromV1(ic, set.blobs)));
  } else contents = await decodeExportV2(file, container);
  const cardNumbers = [...new Set(contents ? contents.index.cards.map((c) => c.cardNumber) : cards.map((ic) => ic.card.cardNumber))];
  const report: ImportReport = { cards: 0, added: 0, alreadyHeld: 0, tombstones: 0, packs: 0 };
  let known: (cn: string) => CardRow | undefined = () => undefined;
  // Every header's card signature: against the file's certificate (BAD_FILE), then the
  // vault's where it keeps another (CONFLICT). WebCrypto's Ed25519 runs in the call, on
  // this thread, so the checks start once the writes are issued, while the engine stores
  // them, and the transaction is held open until they are in (holdOpen).
  let verdict: Promise<VaultError | undefined> | undefined;
  const signatures = () => (verdict ??= fileSignatureProblem(cards).then(async (p) => p ?? (await vaultSignatureProblem(cards, known))));
  const tx = writeAllTx(db);
  // A refusal of the file against the vault comes after a signature refusal, as when
  // signatures came first. Waited for inside the transaction, held open: the packs put
  // early must not commit while the signatures are checked (the abort takes them back).
  const signaturesIn = () => holdOpen(() => tx.objectStore('cards').count(), signatures());
  const refuse = async (e: unknown): Promise<never> => {
    throw e instanceof VaultError ? ((await signaturesIn()) ?? e) : e;
  };
  try {
    await inTransaction(tx, async () => {
      const held = await readHeld(tx, cardNumbers);
      known = (cn) => held.get(cn)?.known;
      // Bare requests, no promise each (hundreds of them): a failing one aborts the
      // transaction, and inTransaction reports the transaction's error.
      const raw = unwrap(tx);
      const early = new Map<string, Set<number>>();
      if (contents) {
        // The file's packs the vault does not hold, put first: the engine stores them
        // while the checks below run on this thread. Any refusal takes them back.
        for (const p of contents.packs) {
          const h = held.get(p.cardNumber);
          if (!h || h.packKeys.has(p.seq)) continue;
          raw.objectStore('packs').put(p);
          (early.get(p.cardNumber) ?? early.set(p.cardNumber, new Set()).get(p.cardNumber))?.add(p.seq);
        }
        // What the file means (BAD_FILE): page maps hashed here with the library, since
        // awaiting WebCrypto inside the transaction could let it commit half way.
        cards = [...checkContentsV2(contents).values()];
      }
      report.cards = cards.length;
      let plans: ReturnType<typeof planCard>[] = [];
      try {
        versionClash(cards, known);
        plans = cards.map((ic) => planCard(ic, held.get(ic.card.cardNumber) as Held));
      } catch (e) {
        await refuse(e);
      }
      // The held packs the added points need (none in a fresh vault), then every write.
      const heldPacks = await Promise.all(plans.map((p) => Promise.all(p.heldNeeded.map((s) => tx.objectStore('packs').get([p.ic.card.cardNumber, s])))));
      let writes: Write[] = [];
      try {
        writes = writesOf(plans, heldPacks, early, report);
      } catch (e) {
        await refuse(e);
      }
      for (const w of writes) if ('delete' in w) raw.objectStore(w.store).delete(w.delete);
      else raw.objectStore(w.store).put(w.value);
      const problem = await signaturesIn();
      if (problem) throw problem;
    });
  } catch (e) {
    throw storageError(e, 'import', file.length);
  }
  return report;
}
