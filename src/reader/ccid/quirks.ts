/**
 * Reader quirks, keyed by "VVVV:PPPP" (hex, upper case). The one place where a
 * reader's misbehaviour is known; the driver applies it once, when it opens the reader.
 * Entries follow libccid's ccid_open_hack_pre() and commands.c (LudovicRousseau/CCID).
 */
import type { CcidClassDescriptor } from '../../protocol/ccid/class-descriptor.ts';
import { FEATURE } from '../../protocol/ccid/constants.ts';

export interface Quirk {
  /** Why, in a phrase, for logs and docs. */
  reason: string;
  /** Corrections to the class descriptor. */
  fix?: (d: CcidClassDescriptor) => CcidClassDescriptor;
  /** Minimum read timeout, for readers that answer slowly. */
  minTimeoutMs?: number;
  /** Do not listen on the interrupt endpoint; poll GetSlotStatus instead. */
  noInterrupt?: boolean;
}

const tpduInstead = (d: CcidClassDescriptor): CcidClassDescriptor => ({
  ...d,
  dwFeatures: (d.dwFeatures & ~FEATURE.LevelMask) | FEATURE.LevelTpdu,
});

// SCM firmware reports dwMaxCCIDMessageLength 263 instead of 270, which would forbid a
// full 260-byte short APDU (libccid BOGUS_SCM_FIRMWARE_FOR_dwMaxCCIDMessageLength).
const scmLength = (d: CcidClassDescriptor): CcidClassDescriptor =>
  d.dwMaxCCIDMessageLength === 263 ? { ...d, dwMaxCCIDMessageLength: 270 } : d;

export const QUIRKS: Readonly<Record<string, Quirk>> = {
  '076B:3022': { reason: 'OMNIKEY CardMan 3121 announces APDU level but is TPDU', fix: tpduInstead },
  '09BE:0002': { reason: 'MySmartPad reports a wrong dwMaxIFSD', fix: (d) => ({ ...d, dwMaxIFSD: 254 }) },
  '0B81:0200': { reason: 'CL1356D firmware answers slowly', minTimeoutMs: 60_000 },
  '0D46:3010': { reason: 'KOBIL TriBank interrupt reads never complete', noInterrupt: true },
  '0B97:7762': { reason: 'O2Micro OZ776 cannot keep up above 9600 bps', fix: (d) => ({ ...d, dwMaxDataRate: 9600 }) },
  '0B97:7772': { reason: 'O2Micro OZ776 cannot keep up above 9600 bps', fix: (d) => ({ ...d, dwMaxDataRate: 9600 }) },
  '04E6:5111': { reason: 'SCM SCR331-DI under-reports dwMaxCCIDMessageLength', fix: scmLength },
  '04E6:5120': { reason: 'SCM SCR331-DI NTTCom under-reports dwMaxCCIDMessageLength', fix: scmLength },
  '04E6:5121': { reason: 'SCM SDI010 under-reports dwMaxCCIDMessageLength', fix: scmLength },
};

export function quirkKey(vendorId: number, productId: number): string {
  const h = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  return `${h(vendorId)}:${h(productId)}`;
}

export function quirkFor(vendorId: number, productId: number): Quirk | undefined {
  return QUIRKS[quirkKey(vendorId, productId)];
}
