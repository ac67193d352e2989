import { x25519 } from '@noble/curves/ed25519.js';
import { expect, test } from '@playwright/test';
import { demoIssuerKeys } from '../issuer/core/demo.ts';
import { coreAuthority } from '../issuer/authority-core.ts';
import { fromHex, hex } from '../src/protocol/bytes.ts';
import { TestCard, type TestAuthority } from '../test/issuer/support/test-authority.ts';
import { backUp } from './helpers/app.ts';
import { useIssuerStack } from './helpers/issuer-stack.ts';
import { screenshot } from './helpers/screenshot.ts';

// Issue 11's lost card story in Chromium against the built app and the running demo
// issuer, as far as the demo card of today takes it. The demo card speaks protocol
// version 1: it has no certificate, so it cannot log in, register or upload. Its twin —
// a card of the same number personalised by the demo issuer's keys, here in Node — is
// registered through the API and gives the recovery code the holder wrote down. From
// there the browser does the holder's part (a wiped profile reports the card lost with
// the code), the operator approves in the console, and the demo's terminal refuses the
// stop-listed card. Not run here (they need the version-2 card of issue 10): backups
// reaching the issuer, filling the wiped profile, personalising the replacement,
// restoring from the issuer and loading the re-issued value.

const DEMO_CARD = '4900000000000001';

const stackOf = useIssuerStack();

/** The demo issuer's card of the demo's number, as the service sees it (signs as a card does). */
function demoTwin(): TestCard {
  const keys = demoIssuerKeys();
  const epoch = keys.epochs[0];
  if (!epoch) throw new Error('demo issuer keys without an epoch');
  const authority: TestAuthority = { ...coreAuthority(keys), keys, epochKemPublicKey: x25519.getPublicKey(epoch.kemSecretKey) };
  return new TestCard(authority, DEMO_CARD);
}

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
  // The card registers once; the holder writes the recovery code down.
  const twin = demoTwin();
  const { challenge } = await api<{ challenge: string }>('POST', '/v1/auth/challenge', {});
  const { token } = await api<{ token: string }>('POST', '/v1/auth/login', { certificate: hex(twin.certificate), challenge, signature: hex(twin.signChallenge(fromHex(challenge))) });
  const { recoveryCode } = await api<{ recoveryCode: string }>('POST', `/v1/cards/${DEMO_CARD}/register`, {}, `Bearer ${token}`);

  // The holder's first browser: two backups, kept on this device.
  const first = await browser.newContext();
  const page1 = await first.newPage();
  await page1.goto(`${stackOf().appUrl}/?demo`);
  await expect(page1.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
  await backUp(page1, 1);
  await backUp(page1, 2);
  await expect(page1.locator('.trow [data-place]')).toHaveCount(2);
  await first.close();

  // The laptop is gone: a new profile has an empty vault.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${stackOf().appUrl}/?demo`);
  await expect(page.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.trow')).toHaveCount(0);
  // The version-1 demo card cannot prove itself, so nothing comes back from the issuer; the panel says why.
  await expect(page.getByTestId('issuer-state')).toHaveText(/cannot prove itself to its issuer/);

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
