import type { Db } from '../db/db.ts';
import { num } from '../db/db.ts';
import { IssuerError } from '../errors.ts';

/**
 * Fixed-window attempt counters kept in the database (table attempt_limits): the bound on
 * recovery-code and operator-credential tries holds across every process of the service,
 * not per process. One statement per attempt: the row's window restarts when it is over,
 * otherwise its count goes up, and the count after this attempt comes back. These guard
 * the slow-hash checks (scrypt, ~50 ms each), so the round trip is noise beside them.
 * The request-volume limits (per address, per card) stay in memory: issuer/http/guards.ts
 * and docs/issuer.md say why.
 */
export class AttemptLimiter {
  private hits = 0;
  constructor(
    private readonly db: Db,
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  async hit(key: string, what: string): Promise<void> {
    const t = this.now();
    const rows = await this.db.query(
      `INSERT INTO attempt_limits (key, window_start, count) VALUES ($1, $2, 1)
       ON CONFLICT (key) DO UPDATE SET
         window_start = CASE WHEN attempt_limits.window_start <= $2 - $3 THEN $2 ELSE attempt_limits.window_start END,
         count = CASE WHEN attempt_limits.window_start <= $2 - $3 THEN 1 ELSE attempt_limits.count + 1 END
       RETURNING count`,
      [key, t, this.windowMs],
    );
    // Old windows go now and then, so the table stays the size of the keys tried lately.
    if (++this.hits % 256 === 0) await this.db.query('DELETE FROM attempt_limits WHERE window_start <= $1', [t - this.windowMs]);
    if (num(rows[0]?.['count'] ?? 0) > this.perWindow) {
      throw new IssuerError('RATE_LIMITED', `too many ${what}: at most ${this.perWindow} per ${this.windowMs / 60_000} min`);
    }
  }

  /** Gives back an attempt that proved right (an operator's page loads are not guesses).
   *  Counting first and giving back after keeps the bound strict under concurrent tries. */
  async refund(key: string): Promise<void> {
    await this.db.query('UPDATE attempt_limits SET count = count - 1 WHERE key = $1 AND count > 0', [key]);
  }
}
