/**
 * The connect screen's interface chooser (issue 13) in real Chromium: a USB reader with
 * several CCID interfaces lets the cardholder choose which one; a reader with one is used
 * without a question. The page's navigator.usb hands out a device whose every WebUSB call
 * goes (exposed binding) to the simulated USB reader in Node, built from a real libccid
 * reader file (test/fixtures/ccid-readers): the ACS ACR1251 Dual Reader, interface 0
 * contactless (PICC), interface 1 a SAM slot. The simulator serves the SAM interface with
 * the test card in it, so only the cardholder's choice reaches the card.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createTestCard, TEST_CARD } from '../test/support/card.ts';
import { parseDump } from '../test/reader/ccid-dump.ts';
import { simConfig, SimUsbReader, type SimReaderConfig } from '../src/reader/sim-usb-reader/index.ts';
import type { UsbControlSetup, UsbInResult } from '../src/reader/usb-surface.ts';
import { en } from '../src/ui/i18n/en.ts';
import { screenshot } from './helpers/screenshot.ts';

const FILE = 'ACS_ACR1251_Dual_Reader.txt';
const fixture = readFileSync(join(import.meta.dirname, '../test/fixtures/ccid-readers', FILE), 'utf8');

/** The reader file's interfaces, the simulator serving `served` (the others listed in its configuration descriptor). */
function dualReader(served: number): { config: SimReaderConfig; names: Array<{ number: number; name: string }> } {
  const all = parseDump(fixture);
  const names = [...fixture.matchAll(/^\s*iInterface:\s*(.+)$/gm)].map((m, i) => ({ number: all[i]?.interfaceNumber ?? i, name: (m[1] ?? '').trim() }));
  const d = all.find((x) => x.interfaceNumber === served);
  if (!d || all.length < 2) throw new Error(`${FILE}: expected several CCID interfaces`);
  const kind = (n: number) => (n >= 3 ? 'bulk+interrupt' : n === 2 ? 'bulk' : n === 1 ? 'interrupt-only' : 'none') as 'bulk+interrupt';
  return {
    names,
    config: {
      ...simConfig('short-apdu'),
      vendorId: d.vendorId,
      productId: d.productId,
      productName: 'ACR1251 Dual Reader',
      bcdDevice: d.bcdDevice,
      descriptor: d.descriptor,
      dataRates: d.dataRates,
      interrupt: d.numEndpoints >= 3,
      interfaceNumber: d.interfaceNumber,
      interfaceClass: d.interfaceClass,
      interfaceProtocol: d.interfaceProtocol,
      otherInterfaces: all
        .filter((o) => o !== d)
        .map((o) => ({ number: o.interfaceNumber, interfaceClass: o.interfaceClass, interfaceProtocol: o.interfaceProtocol, endpoints: kind(o.numEndpoints), descriptor: o.descriptor })),
    },
  };
}

type Wire = { ok: true; value?: unknown } | { ok: false; name: string; message: string };
const inResult = (r: UsbInResult) => ({ status: r.status, data: r.data ? [...new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)] : undefined });

/** navigator.usb in the page: one device, each call carried to `reader` in Node. */
async function plugIn(page: Page, reader: SimUsbReader, names: Array<{ number: number; name: string }>): Promise<void> {
  const calls: string[] = [];
  await page.exposeFunction('__usb', async (method: string, args: unknown[]): Promise<Wire> => {
    calls.push(method);
    try {
      switch (method) {
        case 'open':
          return { ok: true, value: await reader.open() };
        case 'close':
          return { ok: true, value: await reader.close() };
        case 'selectConfiguration':
          return { ok: true, value: await reader.selectConfiguration(args[0] as number) };
        case 'claimInterface':
          return { ok: true, value: await reader.claimInterface(args[0] as number) };
        case 'controlTransferIn':
          return { ok: true, value: inResult(await reader.controlTransferIn(args[0] as UsbControlSetup, args[1] as number)) };
        case 'controlTransferOut':
          return { ok: true, value: await reader.controlTransferOut(args[0] as UsbControlSetup, args[1] ? Uint8Array.from(args[1] as number[]) : undefined) };
        case 'transferIn':
          return { ok: true, value: inResult(await reader.transferIn(args[0] as number, args[1] as number)) };
        case 'transferOut':
          return { ok: true, value: await reader.transferOut(args[0] as number, Uint8Array.from(args[1] as number[])) };
        default:
          return { ok: false, name: 'NotSupportedError', message: method };
      }
    } catch (e) {
      const x = e as { name?: string; message?: string };
      return { ok: false, name: x.name ?? 'Error', message: x.message ?? String(e) };
    }
  });
  const device = { vendorId: reader.vendorId, productId: reader.productId, productName: reader.productName, names };
  await page.addInitScript((d: typeof device) => {
    const call = async (method: string, ...args: unknown[]) => {
      const r = (await (window as unknown as { __usb: (m: string, a: unknown[]) => Promise<Wire> }).__usb(method, args)) as Wire;
      if (!r.ok) throw new DOMException(r.message, r.name);
      return r.value;
    };
    const toIn = (v: unknown) => {
      const r = v as { status: string; data?: number[] };
      return { status: r.status, data: r.data ? new DataView(Uint8Array.from(r.data).buffer) : undefined };
    };
    const usbDevice = {
      vendorId: d.vendorId,
      productId: d.productId,
      productName: d.productName,
      opened: false,
      configuration: null as unknown,
      async open() {
        await call('open');
        this.opened = true;
      },
      async close() {
        await call('close');
        this.opened = false;
      },
      async selectConfiguration(value: number) {
        await call('selectConfiguration', value);
        // As WebUSB: the configuration's interfaces with the names the device gives them (iInterface).
        this.configuration = { configurationValue: value, interfaces: d.names.map((n) => ({ interfaceNumber: n.number, alternate: { interfaceName: n.name } })) };
      },
      claimInterface: (n: number) => call('claimInterface', n),
      controlTransferIn: async (setup: unknown, length: number) => toIn(await call('controlTransferIn', setup, length)),
      controlTransferOut: (setup: unknown, data?: Uint8Array) => call('controlTransferOut', setup, data ? [...data] : undefined),
      transferIn: async (endpoint: number, length: number) => toIn(await call('transferIn', endpoint, length)),
      transferOut: (endpoint: number, data: Uint8Array) => call('transferOut', endpoint, [...data]),
    };
    Object.defineProperty(navigator, 'usb', {
      configurable: true,
      value: { requestDevice: async () => usbDevice, addEventListener: () => undefined, removeEventListener: () => undefined },
    });
  }, device);
}

async function backUp(page: Page): Promise<void> {
  await page.locator('.backup .btn-primary').click();
  const dialog = page.getByRole('dialog', { name: 'Enter your PIN to back up' });
  await dialog.locator('#pin-input').fill(TEST_CARD.pin);
  await dialog.locator('button[type="submit"]').click();
  await expect(page.getByTestId('backup-done')).toContainText('Backup no. 1 saved', { timeout: 60_000 });
}

test('a USB reader with several CCID interfaces lets the cardholder choose one, and the story runs through it', async ({ page }) => {
  const { config, names } = dualReader(1);
  const reader = new SimUsbReader(config);
  reader.insertCard(createTestCard({ memorySize: 16 * 1024 }));
  await plugIn(page, reader, names);
  await page.goto('/');
  await page.getByRole('button', { name: en['connect.reader.button'] }).click();

  const list = page.getByRole('group', { name: en['connect.usb.interfaces'] });
  await expect(list.getByRole('radio')).toHaveCount(2);
  const picc = list.getByRole('radio', { name: /ACR1251 Dual Reader PICC/ });
  const sam = list.getByRole('radio', { name: /ACR1251 Dual Reader SAM/ });
  // The first usable one is proposed; the numbers and what each exchanges are shown.
  await expect(picc).toBeChecked();
  await expect(list).toContainText('Interface 0');
  await expect(list).toContainText('Interface 1');
  await expect(list).toContainText(en['connect.usb.level.extended-apdu']);
  await expect(list).toContainText(en['connect.usb.level.short-apdu']);
  await sam.check();
  await page.locator('.reader-choice').scrollIntoViewIfNeeded();
  await screenshot(page, 'connect-usb-interfaces', { fullPage: false });
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);

  await page.getByRole('button', { name: en['connect.usb.connect'] }).click();
  await expect(page.getByTestId('card-number')).toContainText(TEST_CARD.cardNumber.slice(-4), { timeout: 30_000 });
  // Only the SAM interface is served (claiming interface 0 fails as on a device whose other interface is taken): the card answered through the choice.
  await backUp(page);
});

test('a USB reader with one CCID interface is used without a question', async ({ page }) => {
  const reader = new SimUsbReader(simConfig('extended-apdu'));
  reader.insertCard(createTestCard({ memorySize: 16 * 1024 }));
  await plugIn(page, reader, [{ number: 0, name: 'icvault simulated reader' }]);
  await page.goto('/');
  await page.getByRole('button', { name: en['connect.reader.button'] }).click();
  await expect(page.getByTestId('card-number')).toContainText(TEST_CARD.cardNumber.slice(-4), { timeout: 30_000 });
  await expect(page.getByRole('group', { name: en['connect.usb.interfaces'] })).toHaveCount(0);
});
