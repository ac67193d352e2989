// The cardholder's whole story in real Chromium, against the built app: the demo card
// in the simulated USB reader, driven by the same CCID driver as a real reader, the
// host flows, and the vault in this browser's IndexedDB.
import { expect, test } from '@playwright/test';
import { app, backUp, enterPin, startDemo } from './helpers/app.ts';
import { collectErrors } from './helpers/console.ts';
import { screenshot } from './helpers/screenshot.ts';

test('demo: back up, change, back up the changes, reload, lose the card, restore onto a replacement', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await startDemo(page);
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0001');
  await expect(page.getByTestId('value-emoney')).toContainText('3,200');
  await expect(app(page, 'id')).toContainText('山田 花子');
  await expect(page.getByText('No backups yet.')).toBeVisible();

  // Full backup: the vault held nothing of this card.
  expect(await backUp(page, 1)).toMatch(/256 pages/);
  await expect(page.getByText('1 backup, newest first')).toBeVisible();
  await expect(page.locator('.trow[data-seq="1"] .kind-full')).toBeVisible();
  await expect(page.locator('.memmap-grid .page-changed')).toHaveCount(0);

  // Use the card: spend e-money, add a medical record.
  await page.getByRole('button', { name: 'Spend ¥500' }).click();
  await expect(page.getByTestId('value-emoney')).toContainText('2,700');
  await page.getByLabel('Allergy (adds a medical record)').fill('cedar pollen');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(app(page, 'medical')).toContainText('Allergy: cedar pollen');
  await expect(page.locator('.memmap-grid .page-changed').first()).toBeVisible();
  const changed = await page.locator('.memmap-grid .page-changed').count();
  expect(changed).toBeGreaterThan(0);
  await expect(page.locator('.memmap-summary')).toContainText(`${changed} changed since the last backup`);
  await screenshot(page, 'dashboard-desktop');

  // Differential backup: only the changed pages travel.
  expect(await backUp(page, 2)).toContain(`${changed} page`);
  await expect(page.getByText('2 backups, newest first')).toBeVisible();
  await expect(page.locator('.trow[data-seq="2"] .kind-diff')).toBeVisible();
  // A spend changes no backed-up page (protocol v2: value lives outside backups).
  await expect(page.locator('.trow[data-seq="2"] .trow-apps')).toHaveText('Changed: Medical record');
  await expect(page.locator('.memmap-grid .page-changed')).toHaveCount(0);

  // Reload: the demo comes back by itself, with its card and the vault.
  await page.reload();
  await expect(page.getByTestId('value-emoney')).toContainText('2,700', { timeout: 30_000 });
  await expect(app(page, 'medical')).toContainText('Allergy: cedar pollen');
  await expect(page.getByText('2 backups, newest first')).toBeVisible();
  const before = {
    id: await app(page, 'id').locator('dl').textContent(),
    medical: await app(page, 'medical').locator('dl').textContent(),
    credit: await app(page, 'credit').locator('dl').textContent(),
  };

  // Lost card: the issuer issues a replacement (new number, same issuer).
  await page.getByRole('button', { name: 'Issue a replacement card' }).click();
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0002');
  await expect(app(page, 'medical')).not.toContainText('cedar pollen');
  await expect(page.getByText('2 backups, newest first')).toBeVisible();

  // Restore the newest point onto it, with the demo issuer's authorisation. The lost
  // card's chain is listed and the replacement is the target that fits, already chosen.
  await expect(page.getByLabel('Backups of card')).toHaveValue('4900000000000001');
  await page.getByRole('button', { name: 'Restore… #2' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore backup no. 2' });
  await expect(dialog.getByRole('radio', { name: /A replacement card/ })).toBeChecked();
  await expect(dialog.getByRole('radio', { name: /This card/ })).toBeDisabled();
  await expect(dialog.getByTestId('restore-preview')).toBeVisible();
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
  await enterPin(page, 'restore');
  await expect(dialog.getByTestId('restore-result')).toContainText('Backup no. 2 is now on the new card');
  // Protocol v2: the backup carries no value; the new card keeps its own (zero) until the issuer re-issues the lost card's.
  await expect(dialog.locator('[data-app="emoney"]')).toContainText('Value kept (a restore does not change it)');
  await expect(dialog.getByTestId('result-emoney')).toContainText('now: ¥0');
  await expect(dialog.getByTestId('why-zero')).toContainText('re-issued onto the new card by your card issuer');
  await screenshot(page, 'restore-result', { fullPage: false });
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The new card holds the old card's data; no value came with the backup.
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0002');
  await expect(app(page, 'id').locator('dl')).toHaveText(before.id ?? 'missing');
  await expect(app(page, 'medical').locator('dl')).toHaveText(before.medical ?? 'missing');
  await expect(app(page, 'credit').locator('dl')).toHaveText(before.credit ?? 'missing');
  await expect(page.getByTestId('value-emoney')).toHaveText('¥0');
  await expect(page.getByTestId('value-membership')).toContainText('0');
  expect(errors).toEqual([]);
});

test('three wrong PINs block the card; the blocked state is shown', async ({ page }) => {
  await startDemo(page);
  await page.getByRole('button', { name: 'Back up now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Enter your PIN to back up' });
  for (const left of ['2 tries left', 'Last try left']) {
    await dialog.getByRole('textbox', { name: 'PIN', exact: true }).fill('9999');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await expect(dialog.getByRole('status')).toHaveText(`Wrong PIN. ${left}`);
  }
  await screenshot(page, 'pin-wrong', { fullPage: false });
  await dialog.getByRole('textbox', { name: 'PIN', exact: true }).fill('9999');
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Your PIN is blocked');
  await dialog.getByRole('button', { name: 'Close' }).click();
  // The card itself keeps it blocked: the right PIN no longer works.
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Your PIN is blocked');
  await expect(page.getByText('No backups yet.')).toBeVisible();
});

test('step by step (replay, claim 15): the full backup, then every change in order, onto a replacement card', async ({ page }) => {
  const errors = collectErrors(page);
  await startDemo(page);
  await backUp(page, 1);
  for (const [seq, allergy] of [[2, 'cedar pollen'], [3, 'birch pollen']] as const) {
    await page.getByLabel('Allergy (adds a medical record)').fill(allergy);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(app(page, 'medical')).toContainText(`Allergy: ${allergy}`);
    await backUp(page, seq);
  }
  await page.getByRole('button', { name: 'Issue a replacement card' }).click();
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0002');
  await expect(app(page, 'medical')).not.toContainText('cedar pollen');

  await page.getByRole('button', { name: 'Restore… #3' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore backup no. 3' });
  await dialog.getByRole('radio', { name: /Step by step/ }).check();
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
  await enterPin(page, 'restore');
  await expect(dialog.getByTestId('restore-result')).toContainText('Backup no. 3 is now on the new card', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  // Each step's records came from the vault as the host sent them: both later records are on the new card.
  await expect(app(page, 'medical')).toContainText('Allergy: cedar pollen');
  await expect(app(page, 'medical')).toContainText('Allergy: birch pollen');
  expect(errors).toEqual([]);
});
