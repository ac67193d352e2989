/**
 * The vault the schema-2 and schema-3 fixtures hold (make-v2-fixture.ts, make-v3-fixture.ts),
 * made by whatever schema the checkout's vault code has: a signing card (protocol version
 * 2) and an unsigned one (version 1); card a with two backups deleted whose pages later
 * points still use (their packs stay, named by uses rows), one backup never confirmed, and
 * a partial verify's check rows. Written to test/fixtures/<folder>/vault.json.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openVault } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { writeVaultFixture } from './fixture-file.ts';

export async function writeTwoCardFixture(folder: 'vault-v2' | 'vault-v3', schema: 2 | 3): Promise<void> {
  const v = await openVault({ factory: new IDBFactory(), name: folder, now: () => Date.UTC(2026, 10, 1) });
  const a = new CardModel({ memorySize: 2048, pageSize: 64, seed: 21, version: 2 });
  const b = new CardModel({ cardNumber: '6543210987654321', memorySize: 1024, pageSize: 32, seed: 22 });
  const made = [a.next('full'), a.next('diff', 4), a.next('diff', 3), a.next('diff', 5), a.next('diff', 2), a.next('full'), a.next('diff', 3), a.next('diff', 4)];
  for (const m of made) {
    await v.commitBackup(m.input);
    await v.confirmBackup(m.card, m.seq);
  }
  const pending = a.backup('diff', 2); // stored, never confirmed
  await v.commitBackup(pending.input);
  for (const m of [b.next('full'), b.next('diff', 6), b.next('diff', 2)]) {
    await v.commitBackup(m.input);
    await v.confirmBackup(m.card, m.seq);
  }
  await v.deleteBackups(a.cardNumber, [2, 3], 'retention');
  await v.verify({ maxPacks: 2 });
  await writeVaultFixture(folder, schema, v, ['cards', 'backups', 'manifests', 'uses', 'packs', 'tombstones', 'checks'], [
    [a, [1, 4, 5, 6, 7, 8, 9]],
    [b, [1, 2, 3]],
  ]);
  v.close();
  console.log(`wrote test/fixtures/${folder}/vault.json`);
}
