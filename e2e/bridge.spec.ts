// The cardholder's story once more, through the real PC/SC stack: the built app in
// Chromium -> WebSocket -> the bridge (tools/bridge) -> libpcsclite -> real pcscd ->
// vsmartcard-vpcd -> a simulated card. No demo mode: the card is only reachable through
// PC/SC. If pcscd or vpcd cannot start, startPcscStack throws saying so and the test fails.
//
// pcscd's socket is fixed at /run/pcscd: this spec must not run at the same time as the
// vitest pcsc tests (npm test runs them one after another).
import { expect, test } from '@playwright/test';
import { defaultApplications } from '../src/card-sim/apps/index.ts';
import { createTestCard } from '../test/support/card.ts';
import { BRIDGE_DEFAULT_PORT } from '../src/protocol/bridge-frames.ts';
import type { Bridge } from '../tools/bridge/server.ts';
import { CODE } from '../test/pcsc/bridge-harness.ts';
import { startPcscStack, type PcscStack } from '../test/pcsc/daemons.ts';
import { startBridge } from '../tools/bridge/server.ts';
import { DEMO_PIN, enterPin } from './helpers/app.ts';
import { collectErrors } from './helpers/console.ts';
import { screenshot } from './helpers/screenshot.ts';

const CARD = '4900000000000001';
const APP_ORIGIN = 'http://127.0.0.1:4173';

let stack: PcscStack | undefined;
let bridge: Bridge | undefined;
const bridgeLog: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const card = createTestCard({ cardNumber: CARD, pin: DEMO_PIN, apps: defaultApplications() });
  stack = await startPcscStack(card);
  // The app talks to the bridge's default port (what `npm run bridge` uses); a bridge
  // already running there makes this fail with EADDRINUSE, not pass against it.
  bridge = await startBridge({ port: BRIDGE_DEFAULT_PORT, origins: [APP_ORIGIN], pairingCode: CODE, log: (l) => bridgeLog.push(l) });
  const reader = stack.reader;
  await expect
    .poll(() => bridge?.hub.readerList().some((r) => r.name === reader && r.cardPresent), {
      message: `the bridge never saw a card in "${reader}" through PC/SC; bridge log:\n${bridgeLog.join('\n')}`,
      timeout: 15_000,
    })
    .toBe(true);
});

test.afterAll(async () => {
  // pcscd first (as test/pcsc/bridge.pcsc.ts does), then the bridge; each even if the other fails.
  await stack?.stop().catch((e: unknown) => console.error('stopping pcscd/vpcd:', e));
  await bridge?.close().catch((e: unknown) => console.error('stopping the bridge:', e));
});

test('bridge: pair, back up full, back up the changes, restore the latest point onto the same card', async ({ page }) => {
  const errors = collectErrors(page);
  // Requests to the bridge still waiting for their answer (to take the card out only when the app is idle).
  const inFlight = new Set<number>();
  const idOf = (payload: string | Buffer) => (JSON.parse(String(payload)) as { id?: number }).id;
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => void inFlight.add(idOf(f.payload) ?? -1));
    ws.on('framereceived', (f) => void inFlight.delete(idOf(f.payload) ?? -1));
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');

  // A wrong code first: the bridge refuses it and the page says what to do.
  await page.getByRole('button', { name: 'Use the PC/SC bridge' }).click();
  const code = page.getByRole('textbox', { name: 'Pairing code' });
  await expect(code).toBeFocused();
  await code.fill('12 34');
  await code.press('Enter');
  await expect(page.getByText('Type the 6 digits of the pairing code.')).toBeVisible();
  await screenshot(page, 'connect-bridge', { fullPage: false });
  await code.fill('000000');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('The bridge refused the pairing code');

  await code.fill(`${CODE.slice(0, 3)} ${CODE.slice(3)}`);
  await code.press('Enter');
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0001', { timeout: 30_000 });
  await expect(page.getByText('No backups yet.')).toBeVisible();

  // Full backup: all 256 pages travel through PC/SC.
  await page.getByRole('button', { name: 'Back up now' }).click();
  await enterPin(page, 'back up');
  await expect(page.getByTestId('backup-done')).toContainText('Backup no. 1 saved');
  await expect(page.getByTestId('backup-done')).toContainText('256 pages');
  await expect(page.getByText('1 backup, newest first')).toBeVisible();
  await expect(page.locator('.trow[data-seq="1"] .kind-full')).toBeVisible();

  // Automatic again: a differential backup of what changed since (nothing, or little).
  await page.getByRole('button', { name: 'Back up now' }).click();
  await enterPin(page, 'back up');
  await expect(page.getByTestId('backup-done')).toContainText('Backup no. 2 saved');
  await expect(page.getByText('2 backups, newest first')).toBeVisible();
  await expect(page.locator('.trow[data-seq="2"] .kind-diff')).toBeVisible();

  // Restore the newest point onto this card.
  await page.getByRole('button', { name: 'Restore… #2' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore backup no. 2' });
  await dialog.getByText('This card', { exact: true }).click();
  await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
  await enterPin(page, 'restore');
  await expect(dialog.getByTestId('restore-result')).toContainText('Backup no. 2 is back on this card', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0001');

  // Card events through the bridge: taking the card out and putting it back is seen.
  // (Out only once the app has read the restored card: see the report on pulling it mid-APDU.)
  await expect(page.locator('.card-view')).toHaveAttribute('aria-busy', 'false');
  await expect.poll(() => [...inFlight].filter((id) => id > 0).length).toBe(0);
  await stack?.removeCard();
  await expect(page.getByText('Card removed.')).toBeAttached();
  await expect(page.getByTestId('card-number')).toHaveCount(0);
  const again = createTestCard({ cardNumber: CARD, pin: DEMO_PIN, apps: defaultApplications() });
  await stack?.insertCard(again);
  await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0001', { timeout: 30_000 });

  expect(errors).toEqual([]);
});
