/** "Reset the demo": the vault's database goes (the demo store is cleared by the demo world). */
const VAULT_DB = 'icvault';

export function resetVault(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(VAULT_DB);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error ?? new Error('the vault could not be deleted'));
    req.onblocked = () => resolve(); // another tab holds it open; it closes on versionchange, and the delete completes then
  });
}
