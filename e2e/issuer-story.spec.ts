import { expect, test } from '@playwright/test';
import { app, backUp, enterPin } from './helpers/app.ts';
import { useIssuerStack, writeDownRecoveryCode } from './helpers/issuer-stack.ts';
import { screenshot } from './helpers/screenshot.ts';

// Issue 11's lost card story in Chromium against the built app and the running demo
// issuer. The demo card (protocol version 2, personalised by the demo issuer's keys)
// proves itself, registers (the recovery code is shown once) and every backup goes up.
// Then the laptop is wiped: the new profile's demo makes a fresh sample card under the
// same number, which the issuer does not take for the registered one. The holder reports
// the card lost with the code, the operator approves in the console, the demo's terminal
// refuses the stop-listed number; the issuer personalises a blank card as the replacement,
// the lost card's chain comes back from the issuer, the newest point is restored onto the
// new card with the issuer's one-time authorisation, and the issuer re-issues the value
// its ledger holds (the loads it signed minus the receipted spend).

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

test('lost card, end to end: backups at the issuer, laptop wiped, reported lost, approved, the old card refused, a replacement personalised by the issuer, the chain back from the issuer, restored, the money re-issued', async ({ browser }) => {
  test.setTimeout(240_000);
  // The holder's first browser: the card registers once (the holder writes the recovery
  // code down); two backups, kept on this device and at the issuer.
  const first = await browser.newContext();
  const page1 = await first.newPage();
  await page1.goto(`${stackOf().appUrl}/?demo`);
  await expect(page1.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
  const recoveryCode = await writeDownRecoveryCode(page1);
  // Value through the issuer's ledger: the opening ¥3,200 and a ¥1,000 top-up are its load
  // tokens, the ¥500 spend's card-signed receipt goes to it.
  await page1.getByRole('button', { name: 'Load ¥1,000' }).click();
  await expect(page1.getByTestId('value-emoney')).toContainText('4,200');
  await page1.getByRole('button', { name: 'Spend ¥500' }).click();
  await expect(page1.getByTestId('value-emoney')).toContainText('3,700');
  await backUp(page1, 1);
  await page1.locator('#record-allergies').fill('cedar pollen');
  await page1.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(app(page1, 'medical')).toContainText('Allergy: cedar pollen');
  await backUp(page1, 2);
  await expect(page1.locator('.trow [data-place="both"]')).toHaveCount(2);
  await first.close();

  // The laptop is gone: a new profile has an empty vault.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${stackOf().appUrl}/?demo`);
  await expect(page.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.trow')).toHaveCount(0);
  // A fresh sample card under the registered number, with other keys: the issuer does not take it for the registered card (409 CARD_NUMBER_TAKEN), and the panel says what to do.
  await expect(page.getByTestId('issuer-state')).toHaveText('The card issuer holds this sample card’s number for the sample card of another browser, so this card’s backups stay on this device only. “Reset the demo” gives this browser a card of its own.');

  // Report the card lost with the recovery code: stop-listed at once.
  const panel = page.getByTestId('issuer-panel');
  await panel.getByLabel('Card number').fill('4900 0000 0000 0001');
  await panel.getByLabel('Recovery code').fill(recoveryCode);
  await panel.getByRole('button', { name: 'Report the card lost' }).click();
  await expect(page.getByTestId('lost-done')).toHaveText(/Card 4900 0000 0000 0001 is stop-listed \(entry no\. \d+\)/);
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

  // The service's record: the stop list names the card.
  const stops = await api<{ entries: { cardNumber: string }[] }>('GET', '/v1/stop-list');
  expect(stops.entries.map((e) => e.cardNumber)).toContain(DEMO_CARD);

  // The issuer personalises a blank card as the replacement (the holder's recovery code):
  // a new number, the issuer's certificate; it proves itself, and the lost card's chain
  // comes back from the issuer into this empty vault.
  await panel.getByRole('button', { name: 'Get the replacement card' }).click();
  await expect(page.getByTestId('card-number')).not.toHaveText('4900 0000 0000 0001');
  const replacement = ((await page.getByTestId('card-number').textContent()) ?? '').replace(/\s/g, '');
  expect(replacement).toMatch(/^\d{16}$/);
  // The new card registers in its turn: its own recovery code, shown once.
  expect(await writeDownRecoveryCode(page)).not.toBe(recoveryCode);
  await expect(panel).toContainText('2 backups brought back from the card issuer.');
  await expect(page.getByLabel('Backups of card')).toHaveValue(DEMO_CARD);
  await expect(page.locator('.trow')).toHaveCount(2);

  // Restore the newest point onto the replacement with the issuer's one-time authorisation;
  // the issuer re-issues the lost card's value from its ledger: ¥3,200 + ¥1,000 - ¥500.
  await page.getByRole('button', { name: 'Restore… #2' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore backup no. 2' });
  await expect(dialog.getByRole('radio', { name: /A replacement card/ })).toBeChecked();
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
  await enterPin(page, 'restore');
  await expect(dialog.getByTestId('restore-result')).toContainText('Backup no. 2 is now on the new card');
  await expect(dialog.locator('[data-app="emoney"]')).toContainText('¥3,700 re-issued by your card issuer');
  await expect(dialog.locator('[data-app="membership"]')).toContainText('1,250 pts re-issued by your card issuer');
  await expect(dialog.getByTestId('why-zero')).toHaveCount(0);
  await screenshot(page, 'issuer-replacement-restored', { fullPage: false });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(app(page, 'medical')).toContainText('Allergy: cedar pollen');
  await expect(page.getByTestId('value-emoney')).toContainText('3,700');
  await expect(page.getByTestId('value-membership')).toContainText('1,250');
  await ctx.close();
});
