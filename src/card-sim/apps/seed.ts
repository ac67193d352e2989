/**
 * Reading personalisation data (AppSeed) with the demo card's values as defaults, so
 * `install(ctx, {})` gives a realistic card (fig. 21) and a test can override one key.
 * A present key of the wrong type or form is a TypeError: personalisation is the
 * issuer's tooling, not a card command, and a silent default would hide its mistake.
 */
import type { AppSeed } from '../app-api.ts';
import { demoSeed } from './demo-data.ts';

function pick(seed: AppSeed, key: string): string | number | Uint8Array {
  const v = seed[key] ?? demoSeed[key];
  if (v === undefined) throw new TypeError(`seed: no value and no default for ${key}`);
  return v;
}

export function seedString(seed: AppSeed, key: string): string {
  const v = pick(seed, key);
  if (typeof v !== 'string') throw new TypeError(`seed ${key}: expected a string`);
  return v;
}

export function seedNumber(seed: AppSeed, key: string, max = 0xffffffff): number {
  const v = pick(seed, key);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) throw new TypeError(`seed ${key}: expected an integer 0..${max}`);
  return v;
}

export function seedBytes(seed: AppSeed, key: string): Uint8Array {
  const v = pick(seed, key);
  if (!(v instanceof Uint8Array)) throw new TypeError(`seed ${key}: expected bytes`);
  return v;
}

/** Run a protocol encoder on seed data, turning its RangeError into a TypeError naming the key. */
export function seedEncode<T>(key: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new TypeError(`seed ${key}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
