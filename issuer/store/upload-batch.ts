import type { Queryable } from '../db/db.ts';
import { str, num } from '../db/db.ts';

/** One checked upload, ready for the statement that stores it. */
export interface ReadyUpload {
  cardNumber: string;
  prevHash: Uint8Array;
  seq: number;
  headerHash: Uint8Array;
  size: number;
  /** A diff's base backup number; 0 for a full backup. */
  baseSeq: number;
  blobHash: Uint8Array;
  /** The bytes when they go into the `blobs` table in the same statement; null when a
   *  blob store outside the database already took them. */
  bytes: Uint8Array | null;
  kind: 'full' | 'diff';
  date: number;
}

const COLUMNS = 10;
const texts = new Map<string, string>();

/**
 * The statement storing `n` uploads of n different cards: for each, the chain head moves
 * by compare-and-swap (prevHash = head, seq above it, the card active, under its quota, a
 * diff's base held) and the blob and backup row are inserted from that UPDATE's RETURNING,
 * so an upload whose head did not move writes nothing. PostgreSQL runs it as one
 * statement: all of the stored uploads commit together or none (a crash leaves no half
 * backup), and a concurrent upload of the same card waits for the head's row lock and
 * re-checks its WHERE on the new head. Each row's values are parameters of their own
 * (bytea travels binary; an array parameter would go as hex text).
 */
function batchSql(n: number, withBlobs: boolean): string {
  const key = `${n}:${withBlobs}`;
  const known = texts.get(key);
  if (known) return known;
  if (n === 1) {
    // A batch of one (one client; and every upload on PGlite, which plans each statement
    // anew): the same statement without the VALUES join, which cost PGlite ~0.6 ms more
    // per upload to plan. Same parameters, same answers.
    const one = `WITH moved AS (
       UPDATE chain_heads h SET seq = $3, head_hash = $4, bytes_used = h.bytes_used + $5::integer, updated_at = now()
        WHERE h.card_number = $1 AND h.head_hash = $2 AND h.seq < $3
          AND h.bytes_used + $5::integer <= $11::bigint
          AND ($6::integer = 0 OR EXISTS (SELECT 1 FROM backups k WHERE k.card_number = $1 AND k.seq = $6::integer))
          AND EXISTS (SELECT 1 FROM cards c WHERE c.card_number = $1 AND c.state = 'active')
        RETURNING h.card_number)${withBlobs ? `,
     blob AS (INSERT INTO blobs (hash, bytes, size) SELECT $7, $8::bytea, $5 FROM moved ON CONFLICT (hash) DO NOTHING)` : `,
     unused AS (SELECT $8::bytea AS bytes)`}
     INSERT INTO backups (card_number, seq, header_hash, blob_hash, kind, backup_date)
     SELECT card_number, $3, $4, $7, $9, $10 FROM moved RETURNING card_number, seq`;
    texts.set(key, one);
    return one;
  }
  const rows = Array.from({ length: n }, (_, i) => {
    const p = (k: number) => `$${i * COLUMNS + k + 1}`;
    return `(${p(0)}::text, ${p(1)}::bytea, ${p(2)}::integer, ${p(3)}::bytea, ${p(4)}::integer, ${p(5)}::integer, ${p(6)}::bytea, ${p(7)}::bytea, ${p(8)}::text, ${p(9)}::bigint)`;
  });
  const quota = `$${n * COLUMNS + 1}::bigint`;
  const sql = `WITH up (card_number, prev_hash, seq, head_hash, size, base_seq, blob_hash, bytes, kind, backup_date) AS (VALUES ${rows.join(', ')}),
     moved AS (
       UPDATE chain_heads h SET seq = u.seq, head_hash = u.head_hash, bytes_used = h.bytes_used + u.size, updated_at = now()
         FROM up u
        WHERE h.card_number = u.card_number AND h.head_hash = u.prev_hash AND h.seq < u.seq
          AND h.bytes_used + u.size <= ${quota}
          AND (u.base_seq = 0 OR EXISTS (SELECT 1 FROM backups k WHERE k.card_number = u.card_number AND k.seq = u.base_seq))
          AND EXISTS (SELECT 1 FROM cards c WHERE c.card_number = u.card_number AND c.state = 'active')
        RETURNING u.*)${withBlobs ? `,
     blob AS (INSERT INTO blobs (hash, bytes, size) SELECT blob_hash, bytes, size FROM moved ON CONFLICT (hash) DO NOTHING)` : ''}
     INSERT INTO backups (card_number, seq, header_hash, blob_hash, kind, backup_date)
     SELECT card_number, seq, head_hash, blob_hash, kind, backup_date FROM moved RETURNING card_number, seq`;
  texts.set(key, sql);
  return sql;
}

/** Stores the uploads (each of another card) in one statement; answers, per upload,
 *  whether its head moved. */
export async function storeUploads(q: Queryable, ups: readonly ReadyUpload[], quotaBytes: number): Promise<boolean[]> {
  const withBlobs = ups.some((u) => u.bytes !== null);
  const params: unknown[] = [];
  for (const u of ups) params.push(u.cardNumber, u.prevHash, u.seq, u.headerHash, u.size, u.baseSeq, u.blobHash, u.bytes, u.kind, u.date);
  params.push(quotaBytes);
  const rows = await q.query(batchSql(ups.length, withBlobs), params);
  const moved = new Set(rows.map((r) => `${str(r['card_number'])}/${num(r['seq'])}`));
  return ups.map((u) => moved.has(`${u.cardNumber}/${u.seq}`));
}

interface Waiting {
  up: ReadyUpload;
  resolve: (stored: boolean) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for uploads: while `inFlight` statements are running, uploads that arrive
 * wait and then go together in one statement (one round trip, one transaction, one WAL
 * flush for all of them), at most `maxBatch`, one per card and no card in two running
 * statements (two next backups of one card are a race the chain head decides, statement
 * after statement). A statement leaves at the end of the event loop's turn, so one
 * client alone waits for no one: its upload goes as a batch of one. Another process's statement can still hold a card's head
 * (several processes on one database): PostgreSQL then makes one wait for the row lock,
 * or refuses one as a deadlock, whose uploads are then tried one by one.
 */
export class UploadBatcher {
  private readonly queue: Waiting[] = [];
  /** Cards with an upload in a running statement: no card is in two statements at once,
   *  so this process's statements never wait for each other's row locks (nor deadlock). */
  private readonly busy = new Set<string>();
  private running = 0;
  /** A pump is due at the end of this turn of the event loop. */
  private due = false;

  constructor(
    private readonly q: Queryable,
    private readonly quotaBytes: number,
    private readonly inFlight = 4,
    private readonly maxBatch = 32,
  ) {}

  store(up: ReadyUpload): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ up, resolve, reject });
      // Not at once: at the end of this turn of the event loop (setImmediate runs after
      // the turn's I/O callbacks), so the uploads whose bytes arrived in the same turn go
      // in the same statement. PGlite runs its statement in this thread without yielding
      // to I/O, so a statement started at once always went alone there (192 statements
      // for 192 uploads at 16 clients, docs/issuer-scale.md).
      if (!this.due) {
        this.due = true;
        setImmediate(() => {
          this.due = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.running < this.inFlight && this.queue.length > 0) {
      const batch: Waiting[] = [];
      for (let i = 0; i < this.queue.length && batch.length < this.maxBatch; ) {
        const w = this.queue[i] as Waiting;
        if (this.busy.has(w.up.cardNumber)) {
          i++;
          continue;
        }
        this.busy.add(w.up.cardNumber);
        batch.push(w);
        this.queue.splice(i, 1);
      }
      if (batch.length === 0) return; // every waiting card has a statement running
      this.running++;
      void this.run(batch).finally(() => {
        for (const w of batch) this.busy.delete(w.up.cardNumber);
        this.running--;
        this.pump();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const moved = await storeUploads(this.q, batch.map((w) => w.up), this.quotaBytes);
      batch.forEach((w, i) => w.resolve(moved[i] === true));
    } catch (e) {
      if (batch.length === 1) {
        batch[0]?.reject(e);
        return;
      }
      // One upload's failure must not fail the others: each alone (none of the batch was
      // stored, the statement having failed as a whole).
      await Promise.all(
        batch.map(async (w) => {
          try {
            w.resolve((await storeUploads(this.q, [w.up], this.quotaBytes))[0] === true);
          } catch (err) {
            w.reject(err);
          }
        }),
      );
    }
  }
}
