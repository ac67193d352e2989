import { expect, test } from '@playwright/test';
import { backUp } from './helpers/app.ts';
import { useIssuerStack, writeDownRecoveryCode } from './helpers/issuer-stack.ts';
import { screenshot } from './helpers/screenshot.ts';

// Issue 11's lost card story in Chromium against the built app and the running demo
// issuer. The demo card (protocol version 2, personalised by the demo issuer's keys)
// proves itself, registers (the recovery code is shown once) and every backup goes up.
// Then the laptop is wiped: the new profile's demo makes a fresh sample card under the
// same number, which the issuer does not take for the registered one. The holder reports
// the card lost with the code, the operator approves in the console, and the demo's
// terminal refuses the stop-listed number.

const DEMO_CARD = '4900000000000001';

const stackOf = useIssuerStack();

async function api<T>(method: string, path: string, body?: unknown, auth?: string): Promise<T> {
  const r = await fetch(stackOf().issuerUrl + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(auth ? { authorization: auth } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

test('lost card: backups here, profile wiped, reported lost with the recovery code, approved in the console, the old card refused at the terminal', async ({ browser }) => {
  test.setTimeout(180_000);
  // The holder's first browser: the card registers once (the holder writes the recovery
  // code down); two backups, kept on this device and at the issuer.
  const first = await browser.newContext();
  const page1 = await first.newPage();
  await page1.goto(`${stackOf().appUrl}/?demo`);
  await expect(page1.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
  const recoveryCode = await writeDownRecoveryCode(page1);
  await backUp(page1, 1);
  await backUp(page1, 2);
  await expect(page1.locator('.trow [data-place="both"]')).toHaveCount(2);
  await first.close();

  // The laptop is gone: a new profile has an empty vault.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${stackOf().appUrl}/?demo`);
  await expect(page.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.trow')).toHaveCount(0);
  // A fresh sample card under the registered number, with other keys: the issuer does not take it for the registered card.
  await expect(page.getByTestId('issuer-state')).toContainText('BAD_CERTIFICATE');

  // Report the card lost with the recovery code: stop-listed at once.
  const panel = page.getByTestId('issuer-panel');
  await panel.getByLabel('Card number').fill('4900 0000 0000 0001');
  await panel.getByLabel('Recovery code').fill(recoveryCode);
  await panel.getByRole('button', { name: 'Report the card lost' }).click();
  await expect(page.getByTestId('lost-done')).toHaveText(/Card 4900000000000001 is stop-listed \(entry no\. \d+\)/);
  await screenshot(page, 'issuer-lost-reported');

  // The operator approves the replacement in the service's console.
  const operator = await browser.newContext({ httpCredentials: { username: 'operator', password: stackOf().operatorCredential } });
  const console_ = await operator.newPage();
  await console_.goto(`${stackOf().issuerUrl}/console`);
  await console_.getByRole('button', { name: `Approve replacement of ${DEMO_CARD}` }).click();
  await expect(console_.getByText('approved, waiting for the new card')).toBeVisible();
  await screenshot(console_, 'issuer-console-approved');
  await operator.close();

  // The demo's terminal asks the issuer before it takes the card: refused, value unchanged.
  const emoney = page.locator('.card-view [data-app="emoney"]');
  const before = await emoney.textContent();
  await page.getByRole('button', { name: /^Spend/ }).click();
  await expect(page.locator('[data-error="card-stopped"]')).toContainText('This card was reported lost');
  await expect(emoney).toHaveText(before ?? '');
  await screenshot(page, 'issuer-stopped-card-refused');

  // The service's record: the stop list names the card; the operator API lists the approval.
  const stops = await api<{ entries: { cardNumber: string }[] }>('GET', '/v1/stop-list');
  expect(stops.entries.map((e) => e.cardNumber)).toContain(DEMO_CARD);
  await ctx.close();
});
