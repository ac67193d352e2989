import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where a named screenshot goes: docs/screenshots/<name>.png (linked from the README). */
export function screenshotPath(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new TypeError(`screenshot name must be kebab-case, got "${name}"`);
  return resolve(root, 'docs', 'screenshots', `${name}.png`);
}

/** Screenshot (full page unless told) of the current page into docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<string> {
  const path = screenshotPath(name);
  mkdirSync(dirname(path), { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path, fullPage, animations: 'disabled', caret: 'hide' });
  return path;
}
