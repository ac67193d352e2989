import type { Queryable } from '../db/db.ts';
import { bytes } from '../db/db.ts';

/**
 * Content-addressed, immutable backup bytes. Today they live in the `blobs` table of the
 * same database, so a blob and the chain head that names it commit in one transaction.
 * At 10M cards an object store (S3 with conditional writes: PUT If-None-Match: *) takes
 * this interface (docs/issuer-scale.md): put first (idempotent by hash), then commit the
 * backup row and head; a blob nobody names after a crash is garbage, never a half backup.
 */
export interface BlobStore {
  /** True when the bytes live in the `blobs` table of the same database: the upload then
   *  writes them in its one statement (issuer/store/backups.ts) instead of calling put. */
  readonly sameDatabase: boolean;
  /** Stores bytes under their SHA-256; a second put of the same hash is a no-op. */
  put(q: Queryable, hash: Uint8Array, data: Uint8Array): Promise<void>;
  get(q: Queryable, hash: Uint8Array): Promise<Uint8Array | undefined>;
}

export const dbBlobStore: BlobStore = {
  sameDatabase: true,
  async put(q, hash, data) {
    await q.query('INSERT INTO blobs (hash, bytes, size) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING', [hash, data, data.length]);
  },
  async get(q, hash) {
    const rows = await q.query('SELECT bytes FROM blobs WHERE hash = $1', [hash]);
    return rows[0] ? bytes(rows[0]['bytes']) : undefined;
  },
};
