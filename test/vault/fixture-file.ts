/**
 * Reading the vault fixtures (test/fixtures/vault-v1, vault-v2, vault-v3: raw stores written by the
 * make-v*-fixture.ts scripts of that schema's code, bytes as {$u8: hex}, page lists as
 * {$u32: [...]}) back into rows a migration test puts into a database of that schema.
 */
import { readFileSync } from 'node:fs';
import { fromHex } from '../../src/protocol/bytes.ts';

export interface VaultFixture<S extends number> {
  schema: S;
  stores: Record<string, unknown[]>;
  /** card -> seq -> SHA-256 hex of each page's sealed copy at that point */
  points: Record<string, Record<string, string[]>>;
}

export const readVaultFixture = <S extends number>(folder: 'vault-v1' | 'vault-v2' | 'vault-v3'): VaultFixture<S> =>
  JSON.parse(readFileSync(new URL(`../fixtures/${folder}/vault.json`, import.meta.url), 'utf8')) as VaultFixture<S>;

/** A stored row as the fixture wrote it, back to its Uint8Arrays and Uint32Arrays. */
export const fixtureRow = (x: unknown): unknown => {
  if (Array.isArray(x)) return x.map(fixtureRow);
  if (typeof x === 'object' && x !== null) {
    const o = x as Record<string, unknown>;
    if (typeof o.$u8 === 'string') return fromHex(o.$u8);
    if (Array.isArray(o.$u32)) return Uint32Array.from(o.$u32 as number[]);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fixtureRow(v)]));
  }
  return x;
};

/** One IndexedDB request as a promise. */
export const idbRequest = <T>(r: IDBRequest<T>) => new Promise<T>((ok, no) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => no(r.error))));
