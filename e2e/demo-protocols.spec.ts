/**
 * The demo reader's protocol picker (issue 13) in real Chromium: with "T=0" the demo
 * reader is a TPDU reader and the app's own driver speaks T=0 to the demo card (procedure
 * bytes, GET RESPONSE); the cardholder's story runs over it: a backup, a change, a restore
 * onto a replacement card. The choice is remembered across a reload.
 */
import { expect, test } from '@playwright/test';
import { en } from '../src/ui/i18n/en.ts';
import { app, backUp, enterPin } from './helpers/app.ts';
import { collectErrors } from './helpers/console.ts';
import { screenshot } from './helpers/screenshot.ts';

test('the demo over T=0: chosen on the connect screen, remembered, and the story runs through it', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  const picker = page.getByLabel(en['connect.demo.protocol']);
  await expect(picker).toHaveValue('apdu');
  await expect(picker.locator('option')).toHaveText([en['connect.demo.protocol.apdu'], en['connect.demo.protocol.t1'], en['connect.demo.protocol.t0'], en['connect.demo.protocol.both']]);
  await picker.selectOption({ label: en['connect.demo.protocol.t0'] });
  await page.reload();
  await expect(page.getByLabel(en['connect.demo.protocol'])).toHaveValue('t0');
  expect(await page.evaluate(() => localStorage.getItem('icvault.demo.protocols'))).toBe('t0');
  await screenshot(page, 'connect-demo-protocol', { fullPage: false });

  await page.getByRole('button', { name: en['connect.demo.button'] }).click();
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0001', { timeout: 30_000 });
  // The card panel names the reader and the protocol the app's driver negotiated with the card.
  await expect(page.getByTestId('card-reader')).toHaveText('Demo reader, protocol T=0');
  expect(await backUp(page, 1)).toMatch(/256 pages/);

  await page.getByLabel('Allergy (adds a medical record)').fill('cedar pollen');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(app(page, 'medical')).toContainText('Allergy: cedar pollen');
  expect(await backUp(page, 2)).toMatch(/page/);

  await page.getByRole('button', { name: 'Issue a replacement card' }).click();
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0002');
  await page.getByRole('button', { name: 'Restore… #2' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore backup no. 2' });
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
  await enterPin(page, 'restore');
  await expect(dialog.getByTestId('restore-result')).toContainText('Backup no. 2 is now on the new card', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(app(page, 'medical')).toContainText('Allergy: cedar pollen');
  expect(errors).toEqual([]);
});
