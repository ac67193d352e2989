import { expect, type Page } from '@playwright/test';

export const DEMO_PIN = '1234';

/** Open the built app and start demo mode; waits until the card has been read. */
export async function startDemo(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Start the demo' }).click();
  await expect(page.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
}

export async function enterPin(page: Page, purpose: 'back up' | 'restore', pin = DEMO_PIN): Promise<void> {
  const dialog = page.getByRole('dialog', { name: `Enter your PIN to ${purpose}` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('textbox', { name: 'PIN', exact: true }).fill(pin);
  await dialog.getByRole('button', { name: 'Continue' }).click();
}

/** Back up (Automatic) with the PIN; returns the "Backup no. N saved" text. */
export async function backUp(page: Page, seq: number): Promise<string> {
  await page.getByRole('button', { name: 'Back up now' }).click();
  await enterPin(page, 'back up');
  const done = page.getByTestId('backup-done');
  await expect(done).toContainText(`Backup no. ${seq} saved`);
  return (await done.textContent()) ?? '';
}

/** The value or field shown for an application in the card view. */
export const app = (page: Page, kind: string) => page.locator(`.card-view [data-app="${kind}"]`);
