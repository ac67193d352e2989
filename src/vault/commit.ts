/**
 * The write path: one backup from the card into the vault, all or nothing.
 * Validation that needs no storage runs first; then ONE readwrite transaction reads the
 * card row and the base manifest, puts the pack, hashes it while the engine stores it,
 * checks sequence and page map, and writes manifest -> uses -> backup row -> pack hash ->
 * card head: a handful of requests whatever the card's size (one request per sealed page
 * cost 15x a raw put of the same bytes, issue 15). Any refusal aborts it, so nothing of a
 * refused or interrupted backup is ever visible.
 */
import { headerHash, TAG_BYTES, type SealedRecord } from '../protocol/backup-format.ts';
import { storageError, VaultError } from './errors.ts';
import { certificateProblem, sameBytes, signatureProblem, signatureProblemNow } from './signature.ts';
import { decodeStoredHeader, decodeStoredKey, pairProblem, type StoredHeader } from './versions.ts';
import { digestHex, shortHash, toHex } from './hash.ts';
import { manifestMapHash, overlay, pageCountOf, refsOf, usesOf } from './manifest.ts';
import type { BackupRow, CardRow, PackRow, VaultDB } from './schema.ts';
import { keptSignature } from './signed-chain.ts';
import { holdOpen, inTransaction } from './tx.ts';

export interface CommitInput {
  /** Wrapped card-unique key as the card sent it: 79 bytes (protocol version 1) or 99 (version 2). */
  wrappedKey: Uint8Array;
  /** 126-byte backup header, as the card sent it (its version byte says the protocol version). */
  header: Uint8Array;
  /** Only the records that travelled (a diff's changed pages). */
  records: readonly SealedRecord[];
  /** Name for the card if the vault has not seen it before. */
  label?: string;
  /** The card's signature over the header: required for protocol version 2, absent for version 1. */
  headerSignature?: Uint8Array;
  /**
   * The card's certificate (protocol version 2), checked by the host up to the issuer's
   * root; kept on the card row. Needed with a card's first version-2 backup; the host
   * passes it with every one (it must equal the one kept, else BAD_SIGNATURE).
   */
  cardCertificate?: Uint8Array;
}

interface Prepared {
  fields: StoredHeader;
  headerHash: string;
  pack: PackRow;
  bytes: number;
}

const bad = (msg: string) => new VaultError('BAD_INPUT', `backup refused: ${msg}`);

/** Checks that need no storage: header and key decode, records fit the header; the pack (hashed later, in the transaction). */
function prepare(input: CommitInput): Prepared {
  const h = decodeStoredHeader(input.header);
  if (!h.ok) throw new VaultError('BAD_INPUT', `backup refused: ${h.error.message}`, { cause: h.error });
  const f = h.value;
  const k = decodeStoredKey(input.wrappedKey);
  if (!k.ok) throw new VaultError('BAD_INPUT', `backup refused: ${k.error.message}`, { cause: k.error });
  const pair = pairProblem(f, k.value);
  if (pair) throw bad(pair);
  const pageCount = f.memorySize / f.pageSize;
  if (input.records.length !== f.recordCount) throw bad(`header of seq ${f.seq} announces ${f.recordCount} records, ${input.records.length} arrived`);
  const recordBytes = f.pageSize + TAG_BYTES;
  // One pass: checks, and whether the records already come in page order (the card sends
  // them so), in which case they are copied as they are, without a sort.
  const seen = new Uint8Array(pageCount);
  let ascending = true;
  let last = -1;
  for (const r of input.records) {
    if (!Number.isInteger(r.page) || r.page < 0 || r.page >= pageCount) throw bad(`page ${r.page} is outside 0..${pageCount - 1}`);
    if (seen[r.page] === 1) throw bad(`page ${r.page} arrived twice`);
    if (r.sealed.length !== recordBytes) throw bad(`page ${r.page} is ${r.sealed.length} bytes, expected ${recordBytes}`);
    seen[r.page] = 1;
    if (r.page < last) ascending = false;
    last = r.page;
  }
  const ordered = ascending ? input.records : [...input.records].sort((a, b) => a.page - b.page);
  const sealed = new Uint8Array(ordered.length * recordBytes);
  const pages = new Uint32Array(ordered.length);
  for (let i = 0; i < ordered.length; i++) {
    const r = ordered[i] as SealedRecord;
    sealed.set(r.sealed, i * recordBytes);
    pages[i] = r.page;
  }
  // No hash inside: it is computed once the pack is put, while the engine stores it, and
  // kept in packHashes (pack-hash.ts).
  const pack: PackRow = { cardNumber: f.cardNumber, seq: f.seq, pages, recordBytes, sealed };
  const bytes = input.wrappedKey.length + input.header.length + (input.headerSignature?.length ?? 0) + ordered.length * (2 + recordBytes);
  return { fields: f, headerHash: toHex(headerHash(input.header)), pack, bytes };
}

function checkCard(card: CardRow, f: StoredHeader): void {
  if (card.issuer !== f.issuer || card.memorySize !== f.memorySize || card.pageSize !== f.pageSize)
    throw new VaultError(
      'CARD_MISMATCH',
      `backup refused: card ${f.cardNumber} is known as issuer ${card.issuer}, ${card.memorySize} bytes in ${card.pageSize}-byte pages; this header says issuer ${f.issuer}, ${f.memorySize} bytes in ${f.pageSize}-byte pages`,
    );
}

/** Store one backup. Returns the stored row (unconfirmed until confirmBackup). */
export async function commitBackup(db: VaultDB, input: CommitInput, now: () => number): Promise<BackupRow> {
  const p = prepare(input);
  const f = p.fields;
  const cn = f.cardNumber;
  // With the certificate handed (the host's way), the signature is checked inside the
  // write transaction, while the engine stores the pack (WebCrypto: in its call, on this
  // thread), and the transaction makes sure the card row keeps that same certificate.
  // Without it, the one kept on the card row is used, checked synchronously. Either way a
  // bad signature aborts the transaction before it commits.
  let checked: Uint8Array | undefined;
  if (input.cardCertificate) {
    const c = certificateProblem(input.cardCertificate, cn);
    if (c) throw new VaultError('BAD_SIGNATURE', `backup refused: ${c}`);
    checked = input.cardCertificate;
  }
  const badSignature = (problem: string) => new VaultError('BAD_SIGNATURE', `backup refused: card ${cn} seq ${f.seq}: ${problem}`);
  let signed: Promise<string | undefined> = Promise.resolve(undefined);
  const tx = db.transaction(['packs', 'packHashes', 'manifests', 'uses', 'backups', 'cards'], 'readwrite');
  try {
    return await inTransaction(tx, async (track) => {
      // The card row and a diff's base are asked for first (requests run in order, so they
      // are answered before the pack is stored), then the pack is put: its bytes are cloned
      // into the request now. Its hash is computed while the engine stores it (WebCrypto
      // does the work in its call, on this thread, in Chromium 156: hashing before the put
      // added its time to the put's; measured in bench/vault-measure.ts), and the checks
      // below run on the card row meanwhile. Any refusal aborts the transaction, pack and all.
      const knownRead = track(tx.objectStore('cards').get(cn));
      const baseRead = f.kind === 'diff' ? track(tx.objectStore('manifests').get([cn, f.baseSeq])) : undefined;
      track(tx.objectStore('packs').put(p.pack));
      const hashed = digestHex(p.pack.sealed);
      if (checked) signed = signatureProblem(checked, cn, input);
      hashed.catch(() => undefined);
      signed.catch(() => undefined);
      const known = await knownRead;
      if (known) checkCard(known, f);
      if (checked && known?.certificate && !sameBytes(known.certificate, checked))
        throw new VaultError('BAD_SIGNATURE', `backup refused: card ${cn} seq ${f.seq}: the certificate handed differs from the one the vault keeps for this card`);
      const certificate = checked ?? known?.certificate;
      if (!checked) {
        const sig = signatureProblemNow(certificate, cn, input);
        if (sig) throw badSignature(sig);
      }
      if (certificate && known && !known.certificate && known.headSeq > 0)
        throw new VaultError(
          'CARD_MISMATCH',
          `backup refused: card ${cn} is held as a protocol version 1 card (unsigned backups up to seq ${known.headSeq}); a version-2 card with the same number cannot share that history. Export the old card and delete it from the vault first`,
        );
      const headSeq = known?.headSeq ?? 0;
      if (f.seq <= headSeq)
        throw new VaultError('SEQ_NOT_NEWER', `backup refused: card ${cn} seq ${f.seq} is not newer than seq ${headSeq} already in the vault`);
      const pageCount = f.memorySize / f.pageSize;
      let base;
      if (f.kind === 'diff') {
        base = await baseRead;
        if (!base) throw new VaultError('MISSING_BASE', `backup refused: diff seq ${f.seq} of card ${cn} is relative to seq ${f.baseSeq}, which the vault does not hold`);
        if (pageCountOf(base) !== pageCount) throw new VaultError('CORRUPT', `manifest of card ${cn} seq ${f.baseSeq} does not cover ${pageCount} pages`);
        // A base whose packs are gone cannot carry a diff: the host falls back to a full.
        // One key-range read, whatever the number of packs the base draws on.
        const refs = refsOf(cn, base.seqs);
        const lo = refs[0]?.[1] ?? 0;
        const hi = refs[refs.length - 1]?.[1] ?? 0;
        const held = new Set((await tx.objectStore('packs').getAllKeys(IDBKeyRange.bound([cn, lo], [cn, hi]))).map((k) => k[1]));
        const lost = refs.find((r) => !held.has(r[1]));
        if (lost)
          throw new VaultError('MISSING_BASE', `backup refused: diff seq ${f.seq} of card ${cn} builds on seq ${f.baseSeq}, whose pages from seq ${lost[1]} are lost; make a full backup`);
      }
      const manifest = overlay(cn, f.seq, f.kind, pageCount, base, p.pack.pages);
      const mapHash = manifestMapHash(manifest);
      if (mapHash !== toHex(f.pageMapHash))
        throw new VaultError(
          'PAGE_MAP_MISMATCH',
          `backup refused: card ${cn} seq ${f.seq}: the pages stored add up to page map ${shortHash(mapHash)}, the header says ${shortHash(toHex(f.pageMapHash))}`,
        );
      const row: BackupRow = {
        cardNumber: cn,
        seq: f.seq,
        date: f.date,
        kind: f.kind,
        baseSeq: f.baseSeq,
        epoch: f.epoch,
        bytes: p.bytes,
        pagesCarried: p.pack.pages.length,
        pagesChanged: p.pack.pages,
        header: input.header.slice(),
        wrappedKey: input.wrappedKey.slice(),
        ...keptSignature(input.wrappedKey, input.headerSignature?.slice()),
        headerHash: p.headerHash,
        prevHash: toHex(f.prevHash),
        confirmed: false,
        storedAt: now(),
      };
      const card: CardRow = {
        cardNumber: cn,
        issuer: f.issuer,
        epoch: f.epoch,
        label: known?.label ?? input.label ?? '',
        memorySize: f.memorySize,
        pageSize: f.pageSize,
        headSeq: f.seq,
        headHash: p.headerHash,
        confirmedSeq: known?.confirmedSeq ?? 0,
        createdAt: known?.createdAt ?? now(),
        ...(certificate ? { certificate: certificate.slice() } : {}),
      };
      // The order the design asks for; the transaction makes it all-or-nothing anyway.
      track(tx.objectStore('manifests').put(manifest));
      track(tx.objectStore('uses').put(usesOf(manifest)));
      track(tx.objectStore('backups').put(row));
      // The pack's hash and the signature's verdict, once in: the transaction is held
      // open by small reads until then.
      const [hash, problem] = await holdOpen(() => tx.objectStore('cards').count(), Promise.all([hashed, signed]));
      if (problem) throw badSignature(problem);
      track(tx.objectStore('packHashes').put({ cardNumber: cn, seq: f.seq, hash }));
      track(tx.objectStore('cards').put(card));
      return row;
    });
  } catch (e) {
    // A forged header is reported as that, whatever else its backup got wrong.
    const problem = e instanceof VaultError && e.code !== 'BAD_SIGNATURE' ? await signed.catch(() => undefined) : undefined;
    if (problem) throw badSignature(problem);
    throw storageError(e, `backup of card ${cn} seq ${f.seq}`, p.bytes + (f.memorySize / f.pageSize) * 5);
  }
}

/** The card acknowledged BACKUP COMPLETE for this backup. */
export async function confirmBackup(db: VaultDB, card: string, seq: number): Promise<void> {
  const tx = db.transaction(['backups', 'cards'], 'readwrite');
  try {
    await inTransaction(tx, async (track) => {
      const row = await tx.objectStore('backups').get([card, seq]);
      if (!row) throw new VaultError('NOT_FOUND', `card ${card} has no backup seq ${seq} to confirm`);
      const c = await tx.objectStore('cards').get(card);
      if (row.confirmed) return;
      track(tx.objectStore('backups').put({ ...row, confirmed: true }));
      if (c && c.confirmedSeq < seq) track(tx.objectStore('cards').put({ ...c, confirmedSeq: seq }));
    });
  } catch (e) {
    throw storageError(e, `confirming card ${card} seq ${seq}`, 0);
  }
}
