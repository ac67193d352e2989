import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, Row } from './db.ts';
import { preparedQuery } from './pglite-prepared.ts';

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
  const plain = wrap(pg); // exec (migrations: several statements, no parameters)
  // Outside a transaction, named prepared statements with binary bytea parameters
  // (issuer/db/pglite-prepared.ts): a diff upload's statement 1.36 -> 0.34-0.71 ms of CPU,
  // a full one's 5.0 -> 0.5-0.6 ms, most of it PGlite's hex text for a 42 KB bytea.
  const query = preparedQuery(pg);
  return {
    driver: 'pglite',
    query,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    exec: plain.exec,
    close: () => pg.close(),
  };
}
