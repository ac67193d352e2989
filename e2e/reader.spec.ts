// "Connect a USB reader" in a browser that refuses the smart-card class: real Chrome
// lets a page open a CCID reader but claimInterface fails with SecurityError. The page
// gets a navigator.usb whose device does exactly that, with a real CCID configuration
// descriptor, so the real driver runs up to the refusal.
import { expect, test } from '@playwright/test';
import { simConfig, simConfigurationBytes } from '../src/reader/sim-usb-reader/index.ts';
import { screenshot } from './helpers/screenshot.ts';

test('a reader whose class the browser protects is explained with the ways out', async ({ page }) => {
  const descriptor = [...simConfigurationBytes(simConfig('extended-apdu'))];
  await page.addInitScript((bytes: number[]) => {
    const config = Uint8Array.from(bytes);
    const device = {
      vendorId: 0x072f,
      productId: 0x90cc,
      productName: 'ACR38U-CCID',
      opened: false,
      configuration: null as { configurationValue: number } | null,
      open() {
        this.opened = true;
        return Promise.resolve();
      },
      close() {
        this.opened = false;
        return Promise.resolve();
      },
      selectConfiguration(value: number) {
        this.configuration = { configurationValue: value };
        return Promise.resolve();
      },
      controlTransferIn(_setup: unknown, length: number) {
        return Promise.resolve({ status: 'ok', data: new DataView(config.slice(0, length).buffer) });
      },
      claimInterface() {
        return Promise.reject(new DOMException('Access denied.', 'SecurityError'));
      },
      transferIn: () => Promise.reject(new DOMException('not claimed', 'InvalidStateError')),
      transferOut: () => Promise.reject(new DOMException('not claimed', 'InvalidStateError')),
    };
    const usb = {
      requestDevice: () => Promise.resolve(device),
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    };
    Object.defineProperty(navigator, 'usb', { value: usb, configurable: true });
  }, descriptor);
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto('/');
  await page.getByRole('button', { name: 'Connect a USB reader' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error', 'protected-class');
  await expect(alert).toContainText('Chrome does not let web pages use this reader');
  await expect(alert).toContainText('Isolated Web App');
  await alert.scrollIntoViewIfNeeded();
  await screenshot(page, 'connect-reader-refused');
});

test('a browser without WebUSB says so and points to the demo', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(navigator, 'usb', { value: undefined, configurable: true }));
  await page.goto('/');
  await page.getByRole('button', { name: 'Connect a USB reader' }).click();
  await expect(page.getByRole('alert')).toHaveAttribute('data-error', 'webusb-unsupported');
});
