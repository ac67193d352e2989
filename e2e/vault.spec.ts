// The vault in real Chromium: damage found by verify, a transaction aborted half way
// leaves nothing visible, export and import into a fresh browser profile.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { backUp, startDemo } from './helpers/app.ts';
import { screenshot } from './helpers/screenshot.ts';

/** Flip one byte of one stored pack (a backup's sealed pages), as a disk error or a meddler would. */
function damageOnePack(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('icvault');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('packs', 'readwrite');
          const req = tx.objectStore('packs').openCursor();
          req.onsuccess = () => {
            const c = req.result;
            if (!c) return reject(new Error('no pack stored'));
            const v = c.value as { hash: string; sealed: Uint8Array };
            const sealed = v.sealed.slice();
            sealed[0] = (sealed[0] ?? 0) ^ 0xff;
            c.update({ ...v, sealed });
            tx.oncomplete = () => {
              open.result.close();
              resolve(v.hash);
            };
          };
        };
      }),
  );
}

const countRows = (page: Page, store: string) =>
  page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('icvault');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(name).objectStore(name).count();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result);
          };
        };
      }),
    store,
  );

test('verify finds a backup whose stored bytes were damaged', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await startDemo(page);
  await backUp(page, 1);
  await page.getByRole('button', { name: 'Check backups' }).click();
  await expect(page.getByTestId('verify-ok')).toContainText('all intact');
  await damageOnePack(page);
  await page.getByRole('button', { name: 'Check backups' }).click();
  const damaged = page.getByTestId('verify-damaged');
  await expect(damaged).toContainText('Damaged: 1 backup');
  await expect(damaged).toContainText('Backup no. 1');
  await expect(page.locator('.trow[data-seq="1"]')).toHaveClass(/health-damaged/);
  await damaged.scrollIntoViewIfNeeded();
  await screenshot(page, 'vault-damaged', { fullPage: false });
});

test('a backup whose vault transaction aborts half way leaves nothing visible; the next one stores it all', async ({ page }) => {
  await startDemo(page);
  // The browser refuses the manifest write (as when the disk is full): the pack was put
  // first in the same transaction, so the transaction aborts half way.
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    (window as unknown as { restorePut: () => void }).restorePut = () => {
      IDBObjectStore.prototype.put = put;
    };
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if (this.name === 'manifests') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  await page.getByRole('button', { name: 'Back up now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Enter your PIN to back up' });
  await dialog.getByRole('textbox', { name: 'PIN', exact: true }).fill('1234');
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('.backup [data-error]')).toHaveAttribute('data-error', 'vault-quota');
  await expect(page.getByText('This device is out of storage')).toBeVisible();
  await expect(page.getByText('No backups yet.')).toBeVisible();
  expect(await countRows(page, 'packs')).toBe(0);
  expect(await countRows(page, 'backups')).toBe(0);
  await page.evaluate(() => (window as unknown as { restorePut: () => void }).restorePut());
  await backUp(page, 2);
  await expect(page.getByText('1 backup, newest first')).toBeVisible();
  expect(await countRows(page, 'backups')).toBe(1);
});

test('export, then import into a fresh browser profile: the timeline is there', async ({ page, browser }) => {
  await startDemo(page);
  await backUp(page, 1);
  await page.getByRole('button', { name: 'Spend ¥500' }).click();
  await expect(page.getByTestId('value-emoney')).toContainText('2,700');
  await backUp(page, 2);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export to a file' }).click();
  const file = await (await download).path();
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('ICVAULT1');

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await startDemo(other);
  await expect(other.getByText('No backups yet.')).toBeVisible();
  await other.getByTestId('import-file').setInputFiles({ name: 'icvault.icvault', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(other.getByText('2 backups, newest first')).toBeVisible();
  await expect(other.locator('.trow[data-seq="2"] .kind-diff')).toBeVisible();
  await expect(other.locator('.trow[data-seq="1"] .kind-full')).toBeVisible();
  // A cut-off file is refused in plain words, and changes nothing.
  await other.getByTestId('import-file').setInputFiles({ name: 'cut.icvault', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, 100) });
  await expect(other.getByText('This file is not an icvault export')).toBeVisible();
  await expect(other.getByText('2 backups, newest first')).toBeVisible();
  await fresh.close();
});
