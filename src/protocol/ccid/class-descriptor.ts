/**
 * The CCID class descriptor, 54 bytes, bDescriptorType 0x21 (CCID rev 1.1 §5.1).
 * All multi-byte fields are little endian.
 */
import { readU32le, u32le } from '../bytes.ts';
import { fail, ok, type Decoded } from '../result.ts';
import { exchangeLevel, type ExchangeLevel } from './constants.ts';

export const CCID_DESCRIPTOR_LENGTH = 0x36;
export const CCID_DESCRIPTOR_TYPE = 0x21;

export interface CcidClassDescriptor {
  /** BCD, e.g. 0x0110 for rev 1.10. */
  bcdCCID: number;
  bMaxSlotIndex: number;
  bVoltageSupport: number;
  dwProtocols: number;
  /** kHz */
  dwDefaultClock: number;
  dwMaximumClock: number;
  bNumClockSupported: number;
  /** bps */
  dwDataRate: number;
  dwMaxDataRate: number;
  bNumDataRatesSupported: number;
  dwMaxIFSD: number;
  dwSynchProtocols: number;
  dwMechanical: number;
  dwFeatures: number;
  dwMaxCCIDMessageLength: number;
  bClassGetResponse: number;
  bClassEnvelope: number;
  wLcdLayout: number;
  bPINSupport: number;
  bMaxCCIDBusySlots: number;
}

/** Field name and byte width, in descriptor order after bLength and bDescriptorType. */
const LAYOUT: ReadonlyArray<readonly [keyof CcidClassDescriptor, 1 | 2 | 4]> = [
  ['bcdCCID', 2],
  ['bMaxSlotIndex', 1],
  ['bVoltageSupport', 1],
  ['dwProtocols', 4],
  ['dwDefaultClock', 4],
  ['dwMaximumClock', 4],
  ['bNumClockSupported', 1],
  ['dwDataRate', 4],
  ['dwMaxDataRate', 4],
  ['bNumDataRatesSupported', 1],
  ['dwMaxIFSD', 4],
  ['dwSynchProtocols', 4],
  ['dwMechanical', 4],
  ['dwFeatures', 4],
  ['dwMaxCCIDMessageLength', 4],
  ['bClassGetResponse', 1],
  ['bClassEnvelope', 1],
  ['wLcdLayout', 2],
  ['bPINSupport', 1],
  ['bMaxCCIDBusySlots', 1],
];

export function encodeClassDescriptor(d: CcidClassDescriptor): Uint8Array {
  const out = new Uint8Array(CCID_DESCRIPTOR_LENGTH);
  out[0] = CCID_DESCRIPTOR_LENGTH;
  out[1] = CCID_DESCRIPTOR_TYPE;
  let o = 2;
  for (const [key, width] of LAYOUT) {
    const v = d[key];
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** (8 * width)) throw new RangeError(`CCID descriptor ${key} out of range: ${v}`);
    out.set(u32le(v).subarray(0, width), o);
    o += width;
  }
  return out;
}

/**
 * Decode the 54 bytes. bDescriptorType 0x21 is the standard; some early readers used
 * 0xFF (a vendor-class interface with the same layout), which libccid also accepts.
 */
export function decodeClassDescriptor(b: Uint8Array): Decoded<CcidClassDescriptor> {
  const what = 'CCID class descriptor';
  if (b.length < CCID_DESCRIPTOR_LENGTH) return fail(what, `too short: ${b.length} bytes, need 54`);
  if (b[0] !== CCID_DESCRIPTOR_LENGTH) return fail(what, `bLength is ${b[0]}, expected 54`, 0);
  if (b[1] !== CCID_DESCRIPTOR_TYPE && b[1] !== 0xff) return fail(what, `bDescriptorType is 0x${(b[1] as number).toString(16)}, expected 0x21`, 1);
  const d: Record<string, number> = {};
  let o = 2;
  for (const [key, width] of LAYOUT) {
    d[key] = width === 4 ? readU32le(b, o) : width === 2 ? (b[o] as number) | ((b[o + 1] as number) << 8) : (b[o] as number);
    o += width;
  }
  return ok(d as unknown as CcidClassDescriptor);
}

/** What the driver needs from a descriptor, derived once. */
export interface ReaderCapabilities {
  slots: number;
  level: ExchangeLevel;
  t0: boolean;
  t1: boolean;
  maxMessageLength: number;
  maxIfsd: number;
  features: number;
}

export function capabilities(d: CcidClassDescriptor): ReaderCapabilities {
  return {
    slots: d.bMaxSlotIndex + 1,
    level: exchangeLevel(d.dwFeatures),
    // dwProtocols bit 0 = T=0, bit 1 = T=1 (§5.1 offset 6)
    t0: (d.dwProtocols & 1) !== 0,
    t1: (d.dwProtocols & 2) !== 0,
    maxMessageLength: d.dwMaxCCIDMessageLength,
    maxIfsd: d.dwMaxIFSD,
    features: d.dwFeatures,
  };
}
