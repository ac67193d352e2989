// The issuer's storage (patent fig. 21: the issuer keeps every chain, the ledger and the
// stop list). One small interface, two drivers with the same SQL: PGlite (embedded, the
// default) and node-postgres (DATABASE_URL). Rows come back with bytea as Uint8Array and
// bigint/int8 as the driver gives them; callers convert with the helpers below.

export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements (migrations); no parameters. */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly driver: 'pglite' | 'pg';
  /** Runs fn in one transaction (BEGIN ... COMMIT, ROLLBACK on any throw). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class DbError extends Error {
  readonly code = 'DB_ERROR' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DbError';
  }
}

/** int8 columns come back as string (pg) or bigint/number (PGlite): one number here. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new DbError(`expected an integer column, got ${typeof v}`);
}

/** bytea columns: Buffer (pg) or Uint8Array (PGlite), as a plain Uint8Array. */
export function bytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new DbError(`expected a bytea column, got ${typeof v}`);
}

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  throw new DbError(`expected a text column, got ${typeof v}`);
}
