/**
 * The vault fixture files (test/fixtures/vault-v1, vault-v2, vault-v3): raw stores written
 * by the make-v*-fixture.ts scripts of that schema's code, with what each held point
 * restores to. Rows and old-schema databases: fixture-rows.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CompactedPlan, Vault } from '../../src/vault/index.ts';
import type { CardModel } from './card-model.ts';
import { toFixtureRow } from './fixture-rows.ts';

export { fixtureRow, idbRequest, writeFixtureDb } from './fixture-rows.ts';

type Folder = 'vault-v1' | 'vault-v2' | 'vault-v3';
/** card -> seq -> SHA-256 hex of each page's sealed copy at that point */
export type FixturePoints = Record<string, Record<string, string[]>>;

export interface VaultFixture<S extends number> {
  schema: S;
  stores: Record<string, unknown[]>;
  points: FixturePoints;
}

const fileOf = (folder: Folder) => new URL(`../fixtures/${folder}/vault.json`, import.meta.url);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export const readVaultFixture = <S extends number>(folder: Folder): VaultFixture<S> => JSON.parse(readFileSync(fileOf(folder), 'utf8')) as VaultFixture<S>;

/** For the make-v*-fixture.ts scripts: the stores as the vault holds them, and each model's points, written to the folder's vault.json. */
export async function writeVaultFixture(folder: Folder, schema: number, v: Vault, storeNames: readonly string[], held: readonly (readonly [CardModel, readonly number[]])[]): Promise<void> {
  const stores: Record<string, unknown> = {};
  for (const name of storeNames) stores[name] = toFixtureRow(await v.db.getAll(name as never));
  const points: FixturePoints = {};
  for (const [model, seqs] of held) points[model.cardNumber] = Object.fromEntries(seqs.map((s) => [String(s), (model.points.get(s) ?? []).map((p) => hex(sha256(p)))]));
  writeFileSync(fileOf(folder), JSON.stringify({ schema, stores, points }, null, 0) + '\n');
}

/** What each point of `points` restores to now (compacted), in the same shape: a test expects it to equal `points`. */
export async function restoredPoints(v: Vault, points: FixturePoints): Promise<FixturePoints> {
  const out: FixturePoints = {};
  for (const [card, seqs] of Object.entries(points)) {
    out[card] = {};
    for (const seq of Object.keys(seqs)) {
      const plan = (await v.restorePlan(card, Number(seq), 'compacted')) as CompactedPlan;
      const got: string[] = [];
      for (const s of plan.segments) for (const r of s.records) got[r.page] = hex(sha256(r.sealed));
      out[card][seq] = got;
    }
  }
  return out;
}
