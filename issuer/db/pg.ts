import pg from 'pg';
import type { Db, Queryable, Row } from './db.ts';

/** A real PostgreSQL server (DATABASE_URL): a pool, one client per transaction. */
export async function openPg(connectionString: string, max = 16): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max });
  // Fail at start, not at the first request, when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const wrap = (q: { query: pg.Pool['query'] }): Queryable => ({
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      const r = await q.query<T>(sql, [...params]);
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
