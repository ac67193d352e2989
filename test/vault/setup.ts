/** A fresh, private IndexedDB per test: fake-indexeddb's globals for idb, our own factory. */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openVault, type Vault } from '../../src/vault/index.ts';
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

/** Every row of every store, for "the vault is unchanged" checks. */
export async function dump(v: Vault): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of ['cards', 'backups', 'manifests', 'blobs', 'tombstones'] as const) out[name] = await v.db.getAll(name);
  return out;
}
