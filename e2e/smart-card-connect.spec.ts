/**
 * The connect screen's Web Smart Card source (issue 13) in real Chromium. Linux Chromium
 * has no navigator.smartCard outside an Isolated Web App on ChromeOS, so the page gets an
 * injected one: PC/SC's shape (context, listReaders, getStatusChange, connect with an
 * access mode, transmit, disconnect) over readers held in the page, and a card (the test
 * card, protocol version 2) answering in Node through an exposed binding. The app's own
 * code runs unchanged: the source, the ReaderLink, the host's backup.
 * (e2e/smart-card.spec.ts runs the same source against PC/SC itself through the bridge.)
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createTestCard, TEST_CARD } from '../test/support/card.ts';
import { en } from '../src/ui/i18n/en.ts';
import { ja } from '../src/ui/i18n/ja.ts';
import { SMART_CARD_REASONS } from '../src/ui/services/smart-card.ts';
import { screenshot } from './helpers/screenshot.ts';

const CARD_READER = 'icvault Test Reader 01 00';
const EMPTY_READER = 'Other Reader 00 00';

/** The page's navigator.smartCard. `window.__sc` lets the test change readers and make the next call fail. */
function installSmartCard({ atr }: { atr: number[] }): void {
  type Reader = { name: string; present: boolean; heldBy: string | null; count: number };
  type Fail = { op: string; responseCode?: string; domName?: string } | null;
  class SmartCardError extends DOMException {
    responseCode: string;
    constructor(responseCode: string, message: string) {
      super(message, 'SmartCardError');
      this.responseCode = responseCode;
    }
  }
  const sc = {
    readers: [] as Reader[],
    fail: null as Fail,
    accessModes: [] as string[],
    disconnects: [] as string[],
  };
  (window as unknown as { __sc: typeof sc }).__sc = sc;
  const failing = (op: string) => {
    const f = sc.fail;
    if (!f || f.op !== op) return;
    sc.fail = null;
    throw f.responseCode ? new SmartCardError(f.responseCode, `${op} failed (${f.responseCode})`) : new DOMException(`${op} refused`, f.domName);
  };
  const state = (name: string) => {
    const r = sc.readers.find((x) => x.name === name);
    return {
      readerName: name,
      eventState: !r ? { unknown: true, unavailable: true } : r.present ? { present: true, exclusive: r.heldBy !== null, inuse: r.heldBy !== null } : { empty: true },
      eventCount: r?.count ?? 0,
      ...(r?.present ? { answerToReset: Uint8Array.from(atr).buffer } : {}),
    };
  };
  const transmit = (window as unknown as { __scTransmit: (apdu: number[]) => Promise<number[]> }).__scTransmit;
  const context = {
    listReaders: async () => {
      failing('listReaders');
      return sc.readers.map((r) => r.name);
    },
    getStatusChange: (states: Array<{ readerName: string; currentState: { unaware?: boolean }; currentCount?: number }>, options: { timeout?: number; signal?: AbortSignal } = {}) =>
      new Promise((resolve, reject) => {
        const now = () => states.map((s) => state(s.readerName));
        const changed = () => states.some((s, i) => s.currentState.unaware || s.currentCount !== now()[i]?.eventCount);
        if (changed() || options.timeout === 0) return resolve(now());
        const poll = setInterval(() => {
          if (!changed()) return;
          clearInterval(poll);
          resolve(now());
        }, 50);
        options.signal?.addEventListener('abort', () => {
          clearInterval(poll);
          reject(new DOMException('aborted', 'AbortError'));
        });
      }),
    connect: async (readerName: string, accessMode: string) => {
      failing('connect');
      const r = sc.readers.find((x) => x.name === readerName);
      if (!r) throw new SmartCardError('unknown-reader', readerName);
      if (!r.present) throw new SmartCardError('no-smartcard', readerName);
      if (r.heldBy) throw new SmartCardError('sharing-violation', `${readerName} is held by ${r.heldBy}`);
      sc.accessModes.push(accessMode);
      if (accessMode === 'exclusive') r.heldBy = 'icvault';
      let open = true;
      return {
        activeProtocol: 't1',
        connection: {
          transmit: async (data: ArrayBuffer | ArrayBufferView) => {
            failing('transmit');
            if (!open) throw new DOMException('closed', 'InvalidStateError');
            const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
            return Uint8Array.from(await transmit([...bytes])).buffer;
          },
          status: async () => ({ readerName, state: 'specific', answerToReset: Uint8Array.from(atr).buffer }),
          disconnect: async (disposition = 'leave') => {
            open = false;
            sc.disconnects.push(disposition);
            if (r.heldBy === 'icvault') r.heldBy = null;
          },
        },
      };
    },
  };
  Object.defineProperty(navigator, 'smartCard', {
    configurable: true,
    value: {
      establishContext: async () => {
        failing('establishContext');
        return context;
      },
    },
  });
}

async function withSmartCard(page: Page, readers: Array<{ name: string; present: boolean; heldBy?: string }>): Promise<void> {
  const card = createTestCard({ memorySize: 16 * 1024 });
  const atr = [...card.powerOn()];
  await page.exposeFunction('__scTransmit', (apdu: number[]) => [...card.transmit(Uint8Array.from(apdu))]);
  await page.addInitScript(installSmartCard, { atr });
  await page.goto('/');
  await page.evaluate((rs) => {
    const sc = (window as unknown as { __sc: { readers: unknown[] } }).__sc;
    sc.readers = rs.map((r) => ({ name: r.name, present: r.present, heldBy: r.heldBy ?? null, count: 1 }));
  }, readers);
}

test('without navigator.smartCard the connect screen does not offer the smart-card source', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Connect your card' })).toBeVisible();
  expect(await page.evaluate(() => 'smartCard' in navigator)).toBe(false);
  await expect(page.getByRole('heading', { name: en['connect.smartcard.title'] })).toHaveCount(0);
  await expect(page.getByRole('button', { name: en['connect.smartcard.find'] })).toHaveCount(0);
});

test('the smart-card source lists the readers, connects exclusive to the one with the card, and backs up through it', async ({ page }) => {
  await withSmartCard(page, [
    { name: EMPTY_READER, present: false },
    { name: CARD_READER, present: true },
  ]);
  await page.getByRole('button', { name: en['connect.smartcard.find'] }).click();
  const list = page.getByRole('group', { name: en['connect.smartcard.readers'] });
  await expect(list.getByRole('radio', { name: new RegExp(EMPTY_READER) })).not.toBeChecked();
  await expect(list.getByRole('radio', { name: new RegExp(CARD_READER) })).toBeChecked();
  await expect(list).toContainText(en['connect.smartcard.noCard']);
  await expect(list).toContainText(en['connect.smartcard.cardIn']);
  await page.locator('.reader-choice').scrollIntoViewIfNeeded();
  await screenshot(page, 'connect-smart-card', { fullPage: false });
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);

  // The list follows PC/SC: a card put into the other reader shows without "Find readers" again; the choice stays.
  const emptyRow = list.locator('label', { hasText: EMPTY_READER });
  await expect(emptyRow).toContainText(en['connect.smartcard.noCard']);
  await page.evaluate((name) => {
    const r = (window as unknown as { __sc: { readers: Array<{ name: string; present: boolean; count: number }> } }).__sc.readers.find((x) => x.name === name);
    if (!r) throw new Error(name);
    r.present = true;
    r.count++;
  }, EMPTY_READER);
  await expect(emptyRow).toContainText(en['connect.smartcard.cardIn']);
  await expect(list.getByRole('radio', { name: new RegExp(CARD_READER) })).toBeChecked();

  await page.locator('.reader-choice').getByRole('button', { name: en['connect.smartcard.connect'] }).click();
  await expect(page.getByTestId('card-number')).toContainText(TEST_CARD.cardNumber.slice(-4), { timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { __sc: { accessModes: string[] } }).__sc.accessModes)).toEqual(['exclusive']);
  // The card panel names the reader and the protocol PC/SC connected with.
  await expect(page.getByTestId('card-reader')).toHaveText(`${CARD_READER}, protocol T=1`);

  await page.locator('.backup .btn-primary').click();
  const dialog = page.getByRole('dialog', { name: 'Enter your PIN to back up' });
  await dialog.locator('#pin-input').fill(TEST_CARD.pin);
  await dialog.locator('button[type="submit"]').click();
  await expect(page.getByTestId('backup-done')).toContainText('Backup no. 1 saved', { timeout: 60_000 });
  // Still the one exclusive connection: the backup ran on the card the connect screen opened.
  expect(await page.evaluate(() => (window as unknown as { __sc: { accessModes: string[] } }).__sc.accessModes)).toEqual(['exclusive']);

  // PC/SC's status changes: the card taken out, then put back; the app follows and connects exclusive again.
  const setPresent = (present: boolean) =>
    page.evaluate(
      ({ name, present }) => {
        const r = (window as unknown as { __sc: { readers: Array<{ name: string; present: boolean; heldBy: string | null; count: number }> } }).__sc.readers.find((x) => x.name === name);
        if (!r) throw new Error(name);
        r.present = present;
        if (!present) r.heldBy = null;
        r.count++;
      },
      { name: CARD_READER, present },
    );
  await setPresent(false);
  await expect(page.getByTestId('card-number')).toHaveCount(0);
  await setPresent(true);
  await expect(page.getByTestId('card-number')).toContainText(TEST_CARD.cardNumber.slice(-4), { timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { __sc: { accessModes: string[] } }).__sc.accessModes)).toEqual(['exclusive', 'exclusive']);
});

test('every refusal of the smart-card service is said in plain words', async ({ page }) => {
  await withSmartCard(page, []);
  await page.getByRole('button', { name: en['connect.smartcard.find'] }).click();
  const alert = page.locator('article[aria-labelledby="smartcard-title"]').getByRole('alert');
  await expect(alert).toHaveAttribute('data-reason', 'no-readers');
  await expect(alert).toContainText(en['connect.smartcard.why.no-readers']);

  await page.evaluate((name) => {
    (window as unknown as { __sc: { readers: unknown[] } }).__sc.readers = [{ name, present: true, heldBy: null, count: 1 }];
  }, CARD_READER);
  await page.getByRole('button', { name: en['connect.smartcard.find'] }).click();
  const connect = page.locator('.reader-choice').getByRole('button', { name: en['connect.smartcard.connect'] });
  const dom = new Set(['NotAllowedError', 'SecurityError', 'AbortError', 'InvalidStateError']);
  for (const reason of SMART_CARD_REASONS.filter((r) => r !== 'no-readers')) {
    await page.evaluate((f) => ((window as unknown as { __sc: { fail: unknown } }).__sc.fail = f), dom.has(reason) ? { op: 'connect', domName: reason } : { op: 'connect', responseCode: reason });
    await connect.click();
    await expect(alert).toHaveAttribute('data-reason', reason);
    await expect(alert).toContainText(en['connect.smartcard.failed']);
    await expect(alert).toContainText(en[`connect.smartcard.why.${reason}`]);
  }

  // PC/SC's own sharing violation: another program holds the card exclusively.
  await page.evaluate((name) => {
    (window as unknown as { __sc: { readers: unknown[] } }).__sc.readers = [{ name, present: true, heldBy: 'another program', count: 2 }];
  }, CARD_READER);
  await page.getByRole('button', { name: en['connect.smartcard.find'] }).click();
  await expect(page.getByRole('group', { name: en['connect.smartcard.readers'] })).toContainText(en['connect.smartcard.busy']);
  await connect.click();
  await expect(alert).toHaveAttribute('data-reason', 'sharing-violation');
  await alert.scrollIntoViewIfNeeded();
  await screenshot(page, 'connect-smart-card-refused', { fullPage: false });
  // The same words in Japanese.
  await page.getByRole('button', { name: '日本語' }).click();
  await expect(alert).toContainText(ja['connect.smartcard.why.sharing-violation']);
  await expect(page.getByRole('group', { name: ja['connect.smartcard.readers'] })).toContainText(ja['connect.smartcard.busy']);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
});
