import type { Page } from '@playwright/test';

/** Collects page errors and console errors (e.g. CSP violations) for a test to assert on. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}
