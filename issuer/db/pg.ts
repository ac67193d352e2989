import pg from 'pg';
import { createHash } from 'node:crypto';

const names = new Map<string, string>();
function statementName(sql: string): string {
  let n = names.get(sql);
  if (n === undefined) {
    n = `s${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    if (names.size < 10_000) names.set(sql, n);
  }
  return n;
}
import type { Db, Queryable, Row } from './db.ts';

/** A real PostgreSQL server (DATABASE_URL): a pool, one client per transaction. */
export async function openPg(connectionString: string, max = 16): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max });
  // Fail at start, not at the first request, when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const wrap = (q: { query: pg.Pool['query'] }): Queryable => ({
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      // A named statement is parsed and planned once per connection, then only bound and
      // executed (the service's SQL is a fixed set of texts; the name is the text's hash).
      const r = await q.query<T>({ name: statementName(sql), text: sql, values: [...params] });
      return r.rows;
    },
    async exec(sql: string) {
      // No parameters: the simple query protocol, which takes several statements.
      await q.query(sql);
    },
  });
  const self = wrap(pool);
  return {
    driver: 'pg',
    query: self.query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client as unknown as { query: pg.Pool['query'] }));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    exec: self.exec,
    close: () => pool.end(),
  };
}
