import type { Db } from '../db/db.ts';
import type { Authority } from '../authority.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { IssuerConfig } from './config.ts';
import { RateLimiter } from './guards.ts';
import { SessionCache } from '../store/sessions.ts';
import { AttemptLimiter } from '../store/attempts.ts';
import { UploadBatcher } from '../store/upload-batch.ts';

export interface Deps {
  db: Db;
  authority: Authority;
  blobs: BlobStore;
  config: IssuerConfig;
  perIp: RateLimiter;
  perCard: RateLimiter;
  /** Recovery-code and operator-credential tries: in the database, shared by all processes. */
  lostAttempts: AttemptLimiter;
  sessions: SessionCache;
  /** Uploads of the same moment share one statement (group commit). */
  uploads: UploadBatcher;
}

export function makeDeps(db: Db, authority: Authority, blobs: BlobStore, config: IssuerConfig): Deps {
  return {
    db,
    authority,
    blobs,
    config,
    perIp: new RateLimiter(config.perIpPerMinute, 60_000, config.now),
    perCard: new RateLimiter(config.perCardPerMinute, 60_000, config.now),
    lostAttempts: new AttemptLimiter(db, config.lostAttemptsPerHour, 3_600_000, config.now),
    sessions: new SessionCache(),
    // PGlite runs one statement at a time anyway; a server takes a few at once (each on a
    // connection of the pool), and the uploads arriving meanwhile wait for the next.
    uploads: new UploadBatcher(db, config.quotaBytes, db.driver === 'pglite' ? 1 : 4),
  };
}
