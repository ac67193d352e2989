/**
 * Reconnecting to the PC/SC bridge without retyping the pairing code (issue 13), in real
 * Chromium against the real bridge server (tools/bridge, on a free port) whose one reader
 * holds the test card in Node instead of PC/SC (test/ui/bridge-reconnect.ts; no pcscd).
 * First connection: the code; afterwards "Reconnect" with the kept token; a pairing
 * revoked in the bridge is forgotten by the page, which asks for the code again.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { en } from '../src/ui/i18n/en.ts';
import { TEST_CARD } from '../test/support/card.ts';
import { BRIDGE_CODE, bridgeWithTestCard } from '../test/ui/bridge-reconnect.ts';
import type { Bridge } from '../tools/bridge/server.ts';
import type { PairedStore } from '../tools/bridge/paired-store.ts';
import { screenshot } from './helpers/screenshot.ts';

let bridge: Bridge;
let store: PairedStore;
test.beforeAll(async () => ({ bridge, store } = await bridgeWithTestCard()));
test.afterAll(() => bridge.close());

test('once paired by code, the page reconnects to the bridge without it; a revoked pairing asks for the code again', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Use the PC/SC bridge' }).click();
  await page.getByLabel('Pairing code').fill(BRIDGE_CODE);
  await page.getByLabel('Bridge port').fill(String(bridge.port));
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  const number = page.getByTestId('card-number');
  await expect(number).toContainText(TEST_CARD.cardNumber.slice(-4), { timeout: 30_000 });
  expect(await page.evaluate(() => localStorage.getItem('icvault.bridge.pairingToken'))).toMatch(/.{16,}/);

  // A later visit: no code typed.
  await page.reload();
  await expect(page.getByText(en['connect.bridge.paired'])).toBeVisible();
  await expect(page.getByLabel('Pairing code')).toHaveCount(0);
  await screenshot(page, 'connect-bridge-paired', { fullPage: false });
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
  await page.getByRole('button', { name: en['connect.bridge.reconnect'] }).click();
  await expect(number).toContainText(TEST_CARD.cardNumber.slice(-4), { timeout: 30_000 });

  // The cardholder revokes the pairing in the bridge (icvault-bridge forget <origin>).
  expect(store.forget('http://127.0.0.1:4173')).toBe(1);
  await page.reload();
  await page.getByRole('button', { name: en['connect.bridge.reconnect'] }).click();
  await expect(page.getByRole('alert')).toHaveAttribute('data-error', 'bridge-pairing');
  await expect(page.getByRole('button', { name: en['connect.bridge.reconnect'] })).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem('icvault.bridge.pairingToken'))).toBeNull();
});
