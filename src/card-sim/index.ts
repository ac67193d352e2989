/**
 * The simulated card's headless API (docs/architecture.md): createSimCard, loadSimCard.
 */
import { defaultApplications } from './apps/index.ts';
import { randomSource } from './crypto.ts';
import { Eeprom } from './eeprom.ts';
import { planApSlots } from './handlers/initialise.ts';
import { makeLayout } from './layout.ts';
import { manufacture } from './manufacture.ts';
import { DEFAULTS, type SimCardOptions } from './options.ts';
import { CardOs } from './os.ts';
import { decodeSavedCard } from './persist.ts';
import { SimCard } from './sim-card.ts';

export type { SimCardOptions } from './options.ts';
export type { CardView, ApTableView, Area } from './inspect.ts';
export type { WriteFault } from './fault.ts';
export { PowerLoss, cutPowerAt } from './fault.ts';
export { SimCard } from './sim-card.ts';
export { buildAtr } from './atr.ts';

export class SimCardError extends Error {
  readonly code = 'SIM_CARD' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimCardError';
  }
}

type BuildOptions = Pick<SimCardOptions, 'apps' | 'appSeed' | 'fault' | 'seed' | 'protocols'>;

const seedBytes = (s: Uint8Array | string | undefined) => (typeof s === 'string' ? new TextEncoder().encode(s) : s);

function build(memorySize: number, pageSize: number, eeprom: Uint8Array | undefined, o: BuildOptions, link: { extendedLength: boolean; responseBufferSize: number }) {
  const layout = makeLayout(memorySize, pageSize);
  if (!Number.isInteger(link.responseBufferSize) || link.responseBufferSize < 256 || link.responseBufferSize > 65536)
    throw new RangeError(`response buffer must be 256..65536 bytes, got ${link.responseBufferSize}`);
  const apps = o.apps ?? defaultApplications();
  if (!planApSlots(layout, apps)) throw new RangeError('the applications do not fit in the AP area (or more than 8)');
  const bytes = eeprom ?? new Uint8Array(layout.physicalSize);
  const e = new Eeprom(bytes, layout.journal, layout.journalSize, o.fault);
  const os = new CardOs(e, layout, link, randomSource(seedBytes(o.seed)), apps, o.appSeed ?? {});
  return { card: new SimCard(os, o.protocols), os };
}

/**
 * A new, blank card: manufactured (its own keys, the issuer's root public key) but not
 * personalised. Only the issuer's signed personalisation initialises it (INITIALISE:
 * src/host/personalise.ts sends it; tests use test/support/card.ts).
 */
export function createSimCard(options: SimCardOptions): SimCard {
  const { card, os } = build(options.memorySize ?? DEFAULTS.memorySize, options.pageSize ?? DEFAULTS.pageSize, undefined, options, {
    extendedLength: options.extendedLength ?? DEFAULTS.extendedLength,
    responseBufferSize: options.responseBufferSize ?? DEFAULTS.responseBufferSize,
  });
  manufacture(os, options.rootPublicKey);
  return card;
}

/** A card from `save()` bytes. Options: the applications' code, a fault, a seed (the rest is in the bytes). */
export function loadSimCard(bytes: Uint8Array, options: BuildOptions = {}): SimCard {
  const saved = decodeSavedCard(bytes);
  if (!saved.ok) throw new SimCardError(`cannot load card: ${saved.error.message}`, { cause: saved.error });
  const v = saved.value;
  return build(v.memorySize, v.pageSize, v.eeprom, options, { extendedLength: v.extendedLength, responseBufferSize: v.responseBufferSize }).card;
}
