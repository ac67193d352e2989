import type { PGlite } from '@electric-sql/pglite';
import { concat } from '../../src/protocol/bytes.ts';
import type { Row } from './db.ts';

// Statements through PGlite's wire protocol as named prepared statements (PostgreSQL
// protocol 3.0, "Extended Query"): PGlite's own `query` parses and plans every statement
// anew, in six calls into the WASM backend, and sends every parameter as text (a bytea
// as hex, twice its size). Here a statement text is parsed once per database (Parse +
// Describe), then each call is one Bind + Execute + Sync with bytea parameters in binary.
// Results come back as text, converted by PGlite's own parsers (the same values as
// `query` gives). Only outside a transaction: a transaction's statements go through
// PGlite's transaction object, as before.

const BYTEA = 17;
const utf8 = new TextEncoder();

/** One frontend message: its type byte, its length (itself included), its body; `then`
 *  (messages already encoded) follows it in the same buffer. */
function message(type: string, parts: readonly Uint8Array[], then: Uint8Array = new Uint8Array(0)): Uint8Array {
  const length = 4 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(1 + length + then.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, length);
  let at = 5;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(then, at);
  return out;
}

const cstring = (s: string) => {
  const b = utf8.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
};
const int16 = (n: number) => {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setInt16(0, n);
  return b;
};
const int32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
};

const SYNC = message('S', []);
/** Statement names, unique in this process (two query functions may share one PGlite). */
let counter = 0;
const EXECUTE_SYNC = message('E', [cstring(''), int32(0)], SYNC);

interface Prepared {
  name: string;
  paramTypes: number[];
  fields: { name: string; dataTypeID: number }[];
}

interface BackendMessage {
  name: string;
  dataTypeIDs?: number[];
  fields?: ({ name: string; dataTypeID: number } | string | null)[];
}

/** A query function over `pg` with named statements for its first `max` statement texts
 *  (the service has a few dozen); texts past those go through PGlite's own `query`, so no
 *  prepared statement is ever dropped while a caller may still bind it. */
export function preparedQuery(pg: PGlite, max = 1000) {
  // The promise, so that callers of one new text at the same moment share its Parse.
  const statements = new Map<string, Promise<Prepared>>();

  const run = (msg: Uint8Array) =>
    pg._runExclusiveTransaction(() => pg._runExclusiveQuery(async () => (await pg.execProtocol(msg)).messages as unknown as BackendMessage[]));

  async function parse(sql: string): Promise<Prepared> {
    const name = `icv_${++counter}`;
    const replies = await run(concat(message('P', [cstring(name), cstring(sql), int16(0)]), message('D', [utf8.encode('S'), cstring(name)]), SYNC));
    const params = replies.find((m) => m.name === 'parameterDescription');
    const rows = replies.find((m) => m.name === 'rowDescription');
    return {
      name,
      paramTypes: params?.dataTypeIDs ?? [],
      fields: ((rows?.fields ?? []) as { name: string; dataTypeID: number }[]).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    };
  }

  return async function query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    await pg.waitReady;
    let prepared = statements.get(sql);
    if (!prepared) {
      if (statements.size >= max) return (await pg.query<T>(sql, [...params])).rows;
      prepared = parse(sql);
      statements.set(sql, prepared);
      // A text that does not parse is not kept: the next call reports its error again.
      prepared.catch(() => statements.delete(sql));
    }
    const st = await prepared;
    if (params.length !== st.paramTypes.length) {
      throw new Error(`statement takes ${st.paramTypes.length} parameters, ${params.length} given`);
    }
    const formats: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    params.forEach((v, i) => {
      const type = st.paramTypes[i] ?? 0;
      if (v === null || v === undefined) {
        formats.push(int16(0));
        values.push(int32(-1));
      } else if (type === BYTEA && v instanceof Uint8Array) {
        formats.push(int16(1));
        values.push(int32(v.length), v);
      } else {
        const serialize = pg.serializers[type];
        const text = utf8.encode(serialize ? serialize(v) : String(v));
        formats.push(int16(0));
        values.push(int32(text.length), text);
      }
    });
    // Bind, Execute and Sync in one buffer, written once (a full backup's 42 KB are copied
    // here and into PGlite's memory, nowhere else).
    const replies = await run(message('B', [cstring(''), cstring(st.name), int16(params.length), ...formats, int16(params.length), ...values, int16(0)], EXECUTE_SYNC));
    const out: T[] = [];
    for (const m of replies) {
      if (m.name !== 'dataRow' || !m.fields) continue;
      const row: Row = {};
      st.fields.forEach((f, i) => {
        const v = m.fields?.[i];
        const parse = pg.parsers[f.dataTypeID];
        row[f.name] = v === null || v === undefined ? null : parse ? parse(v as string, f.dataTypeID) : v;
      });
      out.push(row as T);
    }
    return out;
  };
}
