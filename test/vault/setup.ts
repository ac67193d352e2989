/** A fresh, private IndexedDB per test: fake-indexeddb's globals for idb, our own factory. */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openVault, VaultError, type Vault } from '../../src/vault/index.ts';
import { packHashOf } from '../../src/vault/pack-hash.ts';
import type { ModelBackup } from './card-model.ts';

export interface Fresh {
  factory: IDBFactory;
  open(): Promise<Vault>;
}

export function freshFactory(): Fresh {
  const factory = new IDBFactory();
  return { factory, open: () => openVault({ factory, name: 'test-vault' }) };
}

/** Commit and confirm, as a host does after BACKUP COMPLETE. */
export async function store(v: Vault, b: ModelBackup): Promise<void> {
  await v.commitBackup(b.input);
  await v.confirmBackup(b.card, b.seq);
}

/**
 * Every row of every store, for "the vault is unchanged" checks. Each pack is listed with
 * the hash it is checked against, wherever it is kept (inside it, or its packHashes row:
 * src/vault/pack-hash.ts), and each backup's page list as a number[] (stored as either,
 * schema.ts), so a vault and its export imported elsewhere compare equal; a packHashes
 * row without its pack is listed apart.
 */
export async function dump(v: Vault): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of ['cards', 'manifests', 'uses', 'tombstones'] as const) out[name] = await v.db.getAll(name);
  out.backups = (await v.db.getAll('backups')).map((r) => ({ ...r, pagesChanged: Array.from(r.pagesChanged) }));
  const [packs, hashes] = await Promise.all([v.db.getAll('packs'), v.db.getAll('packHashes')]);
  const byKey = new Map(hashes.map((h) => [`${h.cardNumber}/${h.seq}`, h.hash]));
  out.packs = packs.map((p) => ({ ...p, hash: packHashOf(p, byKey.get(`${p.cardNumber}/${p.seq}`)) }));
  const held = new Set(packs.map((p) => `${p.cardNumber}/${p.seq}`));
  out.strayPackHashes = hashes.filter((h) => !held.has(`${h.cardNumber}/${h.seq}`));
  return out;
}

/** Key of the pack that holds `page` of point `seq`, as its manifest names it. */
export async function packOf(v: Vault, card: string, seq: number, page: number): Promise<[string, number]> {
  const m = await v.db.get('manifests', [card, seq]);
  if (!m) throw new Error(`no manifest for seq ${seq}`);
  return [card, m.seqs[page] as number];
}

export const hexOf = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** The VaultError a promise is refused with; fails the test if it succeeds or throws anything else. */
export async function refused(p: Promise<unknown>): Promise<VaultError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof VaultError)) throw new Error(`expected a VaultError, got ${e === undefined ? 'success' : String(e)}`);
  return e;
}
