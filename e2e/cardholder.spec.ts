// What the cardholder sees before and after each step, against the built app with the
// demo card: the restore preview's numbers, every card's backups, retention's list.
import { expect, test, type Page } from '@playwright/test';
import { backUp, enterPin, startDemo } from './helpers/app.ts';
import { collectErrors } from './helpers/console.ts';
import { screenshot } from './helpers/screenshot.ts';

const yen = async (page: Page) => Number(((await page.getByTestId('value-emoney').textContent()) ?? '').replace(/[^\d]/g, ''));
const fmt = (n: number) => `¥${n.toLocaleString('en-US')}`;

test('restore preview: its numbers match the card before, and the result matches the card after', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await startDemo(page);
  const atPoint = await yen(page);
  await backUp(page, 1);
  await page.getByRole('button', { name: 'Spend ¥500' }).click();
  await expect(page.getByTestId('value-emoney')).toHaveText(fmt(atPoint - 500));
  await page.getByRole('button', { name: 'Spend ¥500' }).click();
  await expect(page.getByTestId('value-emoney')).toHaveText(fmt(atPoint - 1000));
  const now = await yen(page);

  await page.getByRole('button', { name: 'Restore… #1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore backup no. 1' });
  const preview = dialog.getByTestId('restore-preview');
  const row = preview.locator('tr[data-app="emoney"]');
  await expect(row.locator('[data-col="now"]')).toHaveText(fmt(now));
  await expect(row.locator('[data-col="point"]')).toHaveText(fmt(atPoint));
  // Protocol v2: a restore neither brings the backup's balance back nor takes the card's away.
  await expect(row.locator('[data-col="after"]')).toHaveText(fmt(now));
  await expect(preview.getByTestId('preview-losses')).toHaveCount(0);
  // The fitting target is chosen; the impossible one says why.
  await expect(dialog.getByRole('radio', { name: /This card/ })).toBeChecked();
  await expect(dialog.getByRole('radio', { name: /A replacement card/ })).toBeDisabled();
  await expect(dialog.getByText('Not possible: the card in the reader is this backup’s own card.')).toBeVisible();
  await screenshot(page, 'restore-preview', { fullPage: false });

  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
  await enterPin(page, 'restore');
  const result = dialog.getByTestId('restore-result');
  await expect(result).toContainText('Backup no. 1 is back on this card');
  await expect(result.locator('[data-app="emoney"]')).toContainText('Value kept (a restore does not change it)');
  await expect(result.getByTestId('result-emoney')).toContainText(`before: ${fmt(now)}`);
  await expect(result.getByTestId('result-emoney')).toContainText(`now: ${fmt(now)}`);
  await expect(result.getByTestId('why-zero')).toHaveCount(0);
  await expect(result).toBeFocused();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('value-emoney')).toHaveText(fmt(now));
  expect(errors).toEqual([]);
});

test('the lost card’s backups stay listed after the replacement card’s first backup', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await startDemo(page);
  await backUp(page, 1);
  await page.getByRole('button', { name: 'Spend ¥500' }).click();
  await backUp(page, 2);
  await page.getByRole('button', { name: 'Issue a replacement card' }).click();
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0002');
  await backUp(page, 1);
  const switcher = page.getByLabel('Backups of card');
  await expect(switcher).toHaveValue('4900000000000002');
  await expect(switcher.locator('option')).toHaveText(['4900 0000 0000 0001 (replaced by the card in the reader): 2 backups', '4900 0000 0000 0002 (in the reader): 1 backup']);
  await switcher.selectOption('4900000000000001');
  await expect(page.getByText('2 backups, newest first')).toBeVisible();
  await expect(page.locator('.trow[data-seq="2"]')).toBeVisible();
  // A spend moves the value, which lives outside the backed-up memory (protocol v2): the
  // diff carried a page of no application, and says so rather than "Changed:" and nothing.
  await expect(page.locator('.trow[data-seq="2"] .trow-apps')).toHaveText('No application changed');
  await screenshot(page, 'timeline-cards', { fullPage: false });
});

test('retention lists what it would remove and why, marks it, asks, and removes only that', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await startDemo(page);
  for (let seq = 1; seq <= 4; seq++) {
    if (seq > 1) {
      // A record edit changes a page (a spend would not: protocol v2 keeps value outside backups).
      await page.getByLabel('Allergy (adds a medical record)').fill(`pollen ${seq}`);
      await page.getByRole('button', { name: 'Save' }).click();
      await expect(page.locator('.memmap-grid .page-changed').first()).toBeVisible();
    }
    await backUp(page, seq);
  }
  await page.getByLabel('Keep the newest').fill('2');
  await page.getByLabel('Keep one a day for (days)').fill('0');
  await page.getByRole('button', { name: 'Show what would be removed' }).click();
  const table = page.getByTestId('retention-table');
  await expect(table.locator('tr[data-action="remove"]')).toHaveCount(2);
  const listed = await table.locator('tr[data-action="remove"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seq')));
  await expect(table.locator('tr[data-action="keep"]')).toHaveCount(2);
  await expect(table).toContainText('one of the newest 2');
  for (const seq of listed) await expect(page.locator(`.trow[data-seq="${seq}"]`)).toHaveAttribute('data-marked', 'remove');
  await table.scrollIntoViewIfNeeded();
  await screenshot(page, 'retention-plan', { fullPage: false });

  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove 2 backups?' });
  await expect(confirm).toContainText(listed.map((s) => `#${s} (0001)`).join(', '));
  // Cancel first: nothing goes.
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('4 backups, newest first')).toBeVisible();
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByRole('dialog', { name: 'Remove 2 backups?' }).getByRole('button', { name: 'Remove them' }).click();
  await expect(page.getByText('2 backups, newest first')).toBeVisible();
  for (const seq of listed) await expect(page.locator(`.trow[data-seq="${seq}"]`)).toHaveCount(0);
  for (const seq of ['3', '4'].filter((s) => !listed.includes(s))) await expect(page.locator(`.trow[data-seq="${seq}"]`)).toBeVisible();
});

test('storage health: space used against the quota, and whether the browser keeps it', async ({ page }) => {
  await startDemo(page);
  await backUp(page, 1);
  const health = page.getByTestId('storage-health');
  await expect(health).toContainText('Storage on this device');
  await expect(health).toContainText(/used \(\d+%\)/);
  await expect(health).toHaveAttribute('data-level', 'ok');
});

test('resetting the demo asks first', async ({ page }) => {
  await startDemo(page);
  await backUp(page, 1);
  await page.getByRole('button', { name: 'Reset the demo' }).click();
  const confirm = page.getByRole('dialog', { name: 'Reset the demo?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('1 backup, newest first')).toBeVisible();
  await page.getByRole('button', { name: 'Reset the demo' }).click();
  await confirm.getByRole('button', { name: 'Reset the demo' }).click();
  await expect(page.getByText('No backups yet.')).toBeVisible();
});
