import { expect, type Page } from '@playwright/test';

export const DEMO_PIN = '1234';

/** Open the built app and start demo mode (in whatever language the page speaks); waits until the card has been read. */
export async function startDemo(page: Page): Promise<void> {
  await page.goto('/');
  await page.locator('.connect-option .btn-primary').first().click();
  await expect(page.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
}

/** `anyLanguage`: find the dialog by its place, not its English name. */
export async function enterPin(page: Page, purpose: 'back up' | 'restore', pin = DEMO_PIN, { anyLanguage = false } = {}): Promise<void> {
  const dialog = anyLanguage ? page.locator('.pin-dialog') : page.getByRole('dialog', { name: `Enter your PIN to ${purpose}` });
  await expect(dialog).toBeVisible();
  await dialog.locator('#pin-input').fill(pin);
  await dialog.locator('button[type="submit"]').click();
}

/** Back up (Automatic) with the PIN; returns the "Backup no. N saved" text. */
export async function backUp(page: Page, seq: number, { anyLanguage = false } = {}): Promise<string> {
  await page.locator('.backup .btn-primary').click();
  await enterPin(page, 'back up', DEMO_PIN, { anyLanguage });
  const done = page.getByTestId('backup-done');
  await expect(done).toContainText(anyLanguage ? String(seq) : `Backup no. ${seq} saved`);
  return (await done.textContent()) ?? '';
}

/** The value or field shown for an application in the card view. */
export const app = (page: Page, kind: string) => page.locator(`.card-view [data-app="${kind}"]`);
