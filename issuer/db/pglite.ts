import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, Row } from './db.ts';

/** Embedded PostgreSQL (WASM) in a data folder: the issuer runs with nothing installed. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = await PGlite.create(dataDir);
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable => ({
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      const r = await q.query<T>(sql, [...params]);
      return r.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const self = wrap(pg);
  return {
    driver: 'pglite',
    query: self.query,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    exec: self.exec,
    close: () => pg.close(),
  };
}
