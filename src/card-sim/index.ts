/**
 * The simulated card's headless API (docs/architecture.md): createSimCard, loadSimCard.
 */
import { encodeCommand } from '../protocol/apdu.ts';
import { decodeResponse } from '../protocol/apdu.ts';
import { initialise } from '../protocol/commands/initialise.ts';
import { describeSw } from '../protocol/status-words.ts';
import { defaultApplications } from './apps/index.ts';
import { randomSource } from './crypto.ts';
import { DEMO_ISSUER } from './demo-issuer.ts';
import { Eeprom } from './eeprom.ts';
import { planApSlots } from './handlers/initialise.ts';
import { makeLayout } from './layout.ts';
import { DEFAULTS, type SimCardOptions } from './options.ts';
import { CardOs } from './os.ts';
import { decodeSavedCard } from './persist.ts';
import { SimCard } from './sim-card.ts';

export type { SimCardOptions } from './options.ts';
export type { CardView, ApTableView, Area } from './inspect.ts';
export type { WriteFault } from './fault.ts';
export { PowerLoss, cutPowerAt } from './fault.ts';
export { SimCard } from './sim-card.ts';
export { DEMO_ISSUER } from './demo-issuer.ts';
export { buildAtr } from './atr.ts';

export class SimCardError extends Error {
  readonly code = 'SIM_CARD' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimCardError';
  }
}

const seedBytes = (s: Uint8Array | string | undefined) => (typeof s === 'string' ? new TextEncoder().encode(s) : s);

function build(memorySize: number, pageSize: number, eeprom: Uint8Array | undefined, o: SimCardOptions, link: { extendedLength: boolean; responseBufferSize: number }) {
  const layout = makeLayout(memorySize, pageSize);
  if (!Number.isInteger(link.responseBufferSize) || link.responseBufferSize < 256 || link.responseBufferSize > 65536)
    throw new RangeError(`response buffer must be 256..65536 bytes, got ${link.responseBufferSize}`);
  const apps = o.apps ?? defaultApplications();
  if (!planApSlots(layout, apps)) throw new RangeError('the applications do not fit in the AP area (or more than 8)');
  const bytes = eeprom ?? new Uint8Array(layout.physicalSize);
  const e = new Eeprom(bytes, layout.journal, layout.journalSize, o.fault);
  const os = new CardOs(e, layout, link, randomSource(seedBytes(o.seed)), apps, o.appSeed ?? {});
  return new SimCard(os, o.protocols);
}

/** A new card, initialised through its own INITIALISE command (figs. 12-13) unless `blank`. */
export function createSimCard(options: SimCardOptions = {}): SimCard {
  const card = build(options.memorySize ?? DEFAULTS.memorySize, options.pageSize ?? DEFAULTS.pageSize, undefined, options, {
    extendedLength: options.extendedLength ?? DEFAULTS.extendedLength,
    responseBufferSize: options.responseBufferSize ?? DEFAULTS.responseBufferSize,
  });
  if (options.blank) return card;
  card.powerOn();
  const apdu = initialise.getApdu({
    cardNumber: options.cardNumber ?? DEFAULTS.cardNumber,
    issuer: options.issuer ?? DEMO_ISSUER.issuer,
    epoch: options.epoch ?? DEMO_ISSUER.epoch,
    commonKey: options.commonKey ?? DEMO_ISSUER.commonKey,
    issuerPublicKey: options.issuerPublicKey ?? DEMO_ISSUER.publicKey,
    pin: options.pin ?? DEFAULTS.pin,
    puk: options.puk ?? DEFAULTS.puk,
  });
  // INITIALISE carries 83 bytes + the PIN and the PUK, so a short APDU always fits.
  const r = decodeResponse(card.transmit(encodeCommand(apdu)));
  if (!r.ok || r.value.sw !== 0x9000) throw new SimCardError(`INITIALISE failed: ${r.ok ? describeSw(r.value.sw) : r.error.message}`);
  card.powerOff();
  return card;
}

/** A card from `save()` bytes. Options: the applications' code, a fault, a seed (the rest is in the bytes). */
export function loadSimCard(bytes: Uint8Array, options: Pick<SimCardOptions, 'apps' | 'appSeed' | 'fault' | 'seed' | 'protocols'> = {}): SimCard {
  const saved = decodeSavedCard(bytes);
  if (!saved.ok) throw new SimCardError(`cannot load card: ${saved.error.message}`, { cause: saved.error });
  const v = saved.value;
  return build(v.memorySize, v.pageSize, v.eeprom, options, { extendedLength: v.extendedLength, responseBufferSize: v.responseBufferSize });
}
