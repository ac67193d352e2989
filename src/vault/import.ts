/**
 * Import an export file (version 2, or version 1 from before). Everything is checked
 * first (export-format, export-packs and export-check-v2, or export-check for version 1;
 * every header's card signature, import-set), against the file and against the
 * certificate the vault already keeps for the card; then one readwrite transaction reads
 * what the vault holds of the same cards, refuses on any disagreement, and merges:
 * backups the vault already holds are skipped, backups it deleted come back, new ones are
 * added. A refusal at any point leaves it unchanged. A pack the vault already holds must
 * agree byte for byte on every page both have, and grows by pages only the file has.
 */
import { checkChain } from './chain.ts';
import { storageError, VaultError } from './errors.ts';
import { TAG_BYTES } from '../protocol/backup-format.ts';
import { checkContents, type ImportCard } from './export-check.ts';
import { checkContentsV2, mapHashesOf } from './export-check-v2.ts';
import { decodeExportV1, EXPORT_V1, readContainer } from './export-format.ts';
import { decodeExportV2 } from './export-packs.ts';
import { checkFileSignatures, packFromPages, type PackedCard } from './import-set.ts';
import { sameBytes, signatureProblem } from './signature.ts';
import { recordOf, refsOf, usesOf } from './manifest.ts';
import { writeAllTx, type WriteAllTx } from './head.ts';
import { cardRange, type BackupRow, type CardRow, type PackRow, type TombstoneRow, type VaultDB } from './schema.ts';
import { inTransaction, type Track } from './tx.ts';

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

/** Decide, for one card, what to write; throws CONFLICT when the file and vault disagree. */
async function planCard(tx: WriteAllTx, ic: PackedCard, read: CardRow | undefined) {
  const cn = ic.card.cardNumber;
  const known = await tx.objectStore('cards').get(cn);
  // The signatures were checked against the certificate read before this transaction.
  if (!sameBytes(known?.certificate, read?.certificate)) throw new VaultError('CONFLICT', `import refused: card ${cn} changed while importing; nothing was imported, try again`);
  if (known && (known.issuer !== ic.card.issuer || known.memorySize !== ic.card.memorySize || known.pageSize !== ic.card.pageSize))
    throw new VaultError('CONFLICT', `import refused: card ${cn} in the file has another issuer or memory layout than in the vault; nothing was imported`);
  const held = new Map((await tx.objectStore('backups').getAll(cardRange(cn))).map((b) => [b.seq, b]));
  const dead = new Map((await tx.objectStore('tombstones').getAll(cardRange(cn))).map((t) => [t.seq, t]));
  const add: BackupRow[] = [];
  const confirm: BackupRow[] = [];
  const revive: number[] = [];
  const bury: TombstoneRow[] = [];
  for (const b of ic.backups) {
    const h = held.get(b.seq) ?? dead.get(b.seq);
    if (h && h.headerHash !== b.headerHash) throw conflict(cn, b.seq, 'the vault holds a different backup with this sequence number');
    const row = held.get(b.seq);
    if (row) {
      if (b.confirmed && !row.confirmed) confirm.push(row);
      continue;
    }
    if (dead.has(b.seq)) revive.push(b.seq);
    add.push(b);
  }
  for (const t of ic.tombstones) {
    const h = held.get(t.seq) ?? dead.get(t.seq);
    if (h && h.headerHash !== t.headerHash) throw conflict(cn, t.seq, 'the vault holds a different backup with this sequence number');
    if (!h) bury.push(t);
  }
  // The merged chain must hold too: a file from another card's history must not splice in.
  const links = new Map<number, { seq: number; headerHash: string; prevHash: string; settled: boolean }>();
  for (const t of [...dead.values(), ...bury]) links.set(t.seq, { ...t, settled: true });
  for (const b of [...held.values(), ...add]) links.set(b.seq, { ...b, settled: b.confirmed || confirm.some((c) => c.seq === b.seq) });
  const broken = checkChain([...links.values()]).find((p) => p.severity === 'damage');
  if (broken) throw conflict(cn, broken.seq, `the merged chain would break: ${broken.message}`);
  return { known, held, dead, add, confirm, revive, bury };
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

/**
 * The file's headers against the certificate the vault keeps for each card it knows: a
 * forged header with its hashes recomputed is refused even when the file leaves the
 * certificate out, and a version-2 card cannot be merged into a version-1 card's history.
 */
async function checkAgainstVault(cards: PackedCard[], known: (CardRow | undefined)[]): Promise<void> {
  const jobs: Promise<void>[] = [];
  cards.forEach((ic, i) => {
    const k = known[i];
    const cn = ic.card.cardNumber;
    if (!k) return;
    if (!k.certificate && ic.certificate && k.headSeq > 0)
      throw new VaultError('CONFLICT', `import refused: card ${cn} is held as a protocol version 1 card, the file's is a version-2 card with the same number; nothing was imported`);
    const cert = k.certificate ?? ic.certificate;
    if (sameBytes(cert, ic.certificate)) return; // checked against the file's, which is the same
    for (const x of [...ic.backups, ...ic.tombstones])
      jobs.push(
        signatureProblem(cert, cn, x).then((sig) => {
          if (sig) throw conflict(cn, x.seq, sig);
        }),
      );
  });
  await Promise.all(jobs);
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
    } else if (mine.length !== theirs.length || mine.some((x, j) => x !== theirs[j])) throw conflict(held.cardNumber, held.seq, `page ${p} differs from the copy the vault holds`);
  });
  return grew ? pages : undefined;
}

function mergedOrNothing(held: PackRow, file: PackRow): Map<number, Uint8Array> | undefined {
  try {
    return merged(held, file);
  } catch {
    return undefined;
  }
}

export async function importFile(db: VaultDB, file: Uint8Array): Promise<ImportReport> {
  const container = readContainer(file);
  let cards: PackedCard[];
  if (container.version === EXPORT_V1) {
    const set = checkContents(decodeExportV1(file, container));
    cards = await Promise.all([...set.cards.values()].map((ic) => packedFromV1(ic, set.blobs)));
  } else {
    const contents = await decodeExportV2(file, container);
    cards = [...checkContentsV2(contents, await mapHashesOf(contents)).values()];
  }
  await checkFileSignatures(cards);
  const read = await Promise.all(cards.map((ic) => db.get('cards', ic.card.cardNumber))).catch((e: unknown) => Promise.reject(storageError(e, 'import', 0)));
  await checkAgainstVault(cards, read);
  const readOf = new Map(cards.map((ic, i) => [ic.card.cardNumber, read[i]]));
  const report: ImportReport = { cards: cards.length, added: 0, alreadyHeld: 0, tombstones: 0, packs: 0 };
  const packs = new Map(cards.map((ic) => [ic.card.cardNumber, ic.packs]));
  // Packs the vault holds and the file grows, hashed outside the transaction; the write
  // transaction below checks that the vault's pack is still the one grown from.
  const toGrow: { cn: string; seq: number; recordBytes: number; pages: Map<number, Uint8Array>; from: string }[] = [];
  {
    // Which of the file's packs the vault holds: keys first (cheap), then only those values, pipelined.
    const tx = db.transaction('packs');
    const wanted: [string, number, PackRow][] = [];
    for (const [cn, byseq] of packs) {
      const keys = new Set((await tx.store.getAllKeys(IDBKeyRange.bound([cn, 0], [cn, 0x1_0000_0000]))).map((k) => k[1]));
      for (const [seq, fp] of byseq) if (keys.has(seq)) wanted.push([cn, seq, fp]);
    }
    const helds = await Promise.all(wanted.map(([cn, seq]) => tx.store.get([cn, seq])));
    wanted.forEach(([cn, seq, fp], i) => {
      const held = helds[i];
      // A disagreement is refused inside the write transaction, after the clearer chain checks.
      const pages = held && mergedOrNothing(held, fp);
      if (held && pages) toGrow.push({ cn, seq, recordBytes: held.recordBytes, pages, from: held.hash });
    });
  }
  const grown = new Map<string, { pack: PackRow; from: string }>();
  for (const g of toGrow) grown.set(`${g.cn}/${g.seq}`, { pack: await packFromPages(g.cn, g.seq, g.recordBytes, g.pages), from: g.from });
  const tx = writeAllTx(db);
  try {
    await inTransaction(tx, async (track: Track) => {
      const plans = [];
      for (const ic of cards) plans.push({ ic, ...(await planCard(tx, ic, readOf.get(ic.card.cardNumber))) });
      for (const { ic, known, held, dead, add, confirm, revive, bury } of plans) {
        const cn = ic.card.cardNumber;
        const manifests = new Map(ic.manifests.map((m) => [m.seq, m]));
        const needed = new Set<number>();
        for (const b of add) {
          const m = manifests.get(b.seq);
          if (!m) continue; // checkContents guarantees one
          needed.add(b.seq);
          for (const [, s] of refsOf(cn, m.seqs)) needed.add(s);
          track(tx.objectStore('manifests').put(m));
          track(tx.objectStore('uses').put(usesOf(m)));
          track(tx.objectStore('backups').put(b));
        }
        const fileByseq = packs.get(cn) as Map<number, PackRow>;
        // Which needed packs the vault holds: one key read, then only those values.
        const heldKeys = new Set((await tx.objectStore('packs').getAllKeys(cardRange(cn))).map((k) => k[1]));
        const order = [...needed].filter((s) => heldKeys.has(s));
        const helds = await Promise.all(order.map((s) => tx.objectStore('packs').get([cn, s])));
        for (const s of needed) {
          if (heldKeys.has(s)) continue;
          track(tx.objectStore('packs').put(fileByseq.get(s) as PackRow));
          report.packs++;
        }
        for (const [i, s] of order.entries()) {
          const fp = fileByseq.get(s) as PackRow;
          const h = helds[i];
          if (!h || !merged(h, fp)) continue;
          const g = grown.get(`${cn}/${s}`);
          if (!g || g.from !== h.hash) throw new VaultError('CONFLICT', `import refused: card ${cn} seq ${s} changed while importing; nothing was imported, try again`);
          track(tx.objectStore('packs').put(g.pack));
          report.packs++;
        }
        for (const r of confirm) track(tx.objectStore('backups').put({ ...r, confirmed: true }));
        for (const seq of revive) track(tx.objectStore('tombstones').delete([cn, seq]));
        for (const t of bury) track(tx.objectStore('tombstones').put(t));
        // The card's head from what it holds now (as head.ts's refreshCard would read it back).
        const rows = new Map([...held.values(), ...add].map((r) => [r.seq, r]));
        const confirmed = new Set([...rows.values()].filter((r) => r.confirmed).map((r) => r.seq));
        for (const r of confirm) confirmed.add(r.seq);
        const seqs = [...rows.keys()].sort((a, b) => a - b);
        const newest = rows.get(seqs[seqs.length - 1] ?? -1);
        const tombs = [...dead.keys(), ...bury.map((t) => t.seq)].filter((s) => !revive.includes(s));
        const { certificate: _hex, ...layout } = ic.card;
        const base = known ?? { ...layout, createdAt: ic.card.createdAt };
        const certificate = known?.certificate ?? ic.certificate;
        track(
          tx.objectStore('cards').put({
            ...base,
            ...(certificate ? { certificate } : {}),
            headSeq: Math.max(newest?.seq ?? 0, ...tombs),
            headHash: newest?.headerHash ?? '',
            confirmedSeq: Math.max(0, ...confirmed),
          }),
        );
        report.added += add.length;
        report.alreadyHeld += ic.backups.length - add.length;
        report.tombstones += bury.length;
      }
    });
  } catch (e) {
    throw storageError(e, 'import', file.length);
  }
  return report;
}
