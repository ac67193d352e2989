// Vault measurements shared by the Node run (bench/entries/vault.ts, fake-indexeddb)
// and the Chromium run (bench/browser/main.ts, the browser's own IndexedDB): the same
// code, so the two engines' figures compare like with like. No Node or DOM APIs here.
import { openDB } from 'idb';
import { concat } from '../src/protocol/bytes.ts';
import type { Vault } from '../src/vault/index.ts';
import { CardModel } from '../test/vault/card-model.ts';

export const ms = (t0: number) => performance.now() - t0;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function timed<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const xs: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    xs.push(ms(t0));
  }
  return { ms: median(xs), value: value as T };
}

/**
 * Store a full backup of a 1 MiB card (4096 sealed pages) through the vault, against
 * one raw put of the same bytes as a single value: the floor for the engine.
 */
export async function storeOneMiB(runs: number, openVaultNamed: (name: string) => Promise<Vault>, factory?: IDBFactory) {
  const vaultMs: number[] = [];
  const rawMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const card = new CardModel({ memorySize: 1 << 20, pageSize: 256, seed: i + 1 });
    const b = card.backup('full');
    const v = await openVaultNamed(`bench-1mib-${i}`);
    let t0 = performance.now();
    bytes = (await v.commitBackup(b.input)).bytes;
    vaultMs.push(ms(t0));
    v.close();
    const raw = await openDB(`bench-raw-${i}`, 1, { upgrade: (db) => db.createObjectStore('raw') });
    const payload = concat(b.input.wrappedKey, b.input.header, ...b.records.map((r) => r.sealed));
    t0 = performance.now();
    await raw.put('raw', payload, 1);
    rawMs.push(ms(t0));
    raw.close();
    await new Promise<void>((res) => {
      const del = (factory ?? indexedDB).deleteDatabase(`bench-raw-${i}`);
      del.onsuccess = () => res();
      del.onerror = () => res();
    });
  }
  return { bytes, pages: 4096, vaultMs: median(vaultMs), rawPutMs: median(rawMs), runs };
}
