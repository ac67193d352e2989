/**
 * What an import writes, whichever file version it came from: per card, the rows to add
 * and one pack per backup seq. Built by export-check (version 1, from per-page blobs) or
 * export-check-v2 (version 2, packs as stored); every header's card signature is checked
 * here, inside import's write transaction before it commits (import.ts says why).
 */
import { VaultError } from './errors.ts';
import type { ExportCard } from './export-format.ts';
import { digestHex, sha256Hex } from './hash.ts';
import { signatureProblem } from './signature.ts';
import type { BackupRow, ManifestRow, PackRow, TombstoneRow } from './schema.ts';

export interface PackedCard {
  card: ExportCard;
  /** The card certificate the file carries (protocol version 2), decoded from hex. */
  certificate?: Uint8Array;
  backups: BackupRow[];
  manifests: ManifestRow[];
  tombstones: TombstoneRow[];
  /** Per backup seq, the pages the file holds of it, as one pack (hash computed). */
  packs: Map<number, PackRow>;
}

const bad = (msg: string) => new VaultError('BAD_FILE', `not a usable vault export: ${msg}`);

/** Per-page copies joined into one pack's page list and records, ascending by page. */
function joinPages(recordBytes: number, pp: Map<number, Uint8Array>): { pages: Uint32Array; sealed: Uint8Array } {
  const order = [...pp.keys()].sort((a, b) => a - b);
  const sealed = new Uint8Array(order.length * recordBytes);
  order.forEach((p, i) => sealed.set(pp.get(p) as Uint8Array, i * recordBytes));
  return { pages: Uint32Array.from(order), sealed };
}

/** One pack from per-page copies (version-1 files), hashed with WebCrypto. */
export async function packFromPages(card: string, seq: number, recordBytes: number, pp: Map<number, Uint8Array>): Promise<PackRow> {
  const { pages, sealed } = joinPages(recordBytes, pp);
  return { cardNumber: card, seq, pages, recordBytes, sealed, hash: await digestHex(sealed) };
}

/** The same, hashed with the library: for inside a transaction, where awaiting WebCrypto would let it commit. */
export function packFromPagesNow(card: string, seq: number, recordBytes: number, pp: Map<number, Uint8Array>): PackRow {
  const { pages, sealed } = joinPages(recordBytes, pp);
  return { cardNumber: card, seq, pages, recordBytes, sealed, hash: sha256Hex(sealed) };
}

/**
 * Every header the file holds, checked against the certificate the file carries for its
 * card: the first problem as BAD_FILE, or undefined. The certificate the vault keeps is
 * checked by the import itself (CONFLICT), since only it knows what the vault holds.
 */
export async function fileSignatureProblem(cards: Iterable<PackedCard>): Promise<VaultError | undefined> {
  const jobs: { cn: string; seq: number; p: Promise<string | undefined> }[] = [];
  for (const ic of cards) {
    const cn = ic.card.cardNumber;
    for (const x of [...ic.backups, ...ic.tombstones]) jobs.push({ cn, seq: x.seq, p: signatureProblem(ic.certificate, cn, x) });
  }
  const problems = await Promise.all(jobs.map((j) => j.p));
  const first = problems.findIndex((p) => p !== undefined);
  const job = jobs[first];
  return job ? bad(`card ${job.cn} seq ${job.seq}: ${problems[first] ?? ''}`) : undefined;
}
