/**
 * Reader quirks, keyed by "VVVV:PPPP" (hex, upper case): the one place where a reader's
 * misbehaviour is known. Every entry is one of libccid's (LudovicRousseau/CCID), named
 * by its source; the driver applies them once, when it opens the reader and before it
 * sizes anything (read buffer, T=1 blocks, APDU limits), so the fixes reach every size.
 */
import type { CcidClassDescriptor } from '../../protocol/ccid/class-descriptor.ts';
import { FEATURE } from '../../protocol/ccid/constants.ts';

export interface Quirk {
  /** Why, in a phrase, for logs and docs. */
  reason: string;
  /** Where libccid does the same (file and function). */
  source: string;
  /** Corrections to the class descriptor; bcdDevice when the browser tells it. */
  fix?: (d: CcidClassDescriptor, bcdDevice: number | undefined) => CcidClassDescriptor;
  /** Keep only the data rates of the reader's table at or below this (bps). */
  maxTableRate?: number;
  /** Minimum read timeout, for readers that answer slowly. */
  minTimeoutMs?: number;
  /** The reader cannot do PPS: use the card's default protocol at the default speed. */
  noPps?: boolean;
}

const level = (bits: number) => (d: CcidClassDescriptor): CcidClassDescriptor => ({ ...d, dwFeatures: ((d.dwFeatures & ~FEATURE.LevelMask) | bits) >>> 0 });
const extendedApdu = level(FEATURE.LevelExtendedApdu);

const HACK_PRE = 'src/ccid.c ccid_open_hack_pre()';
const HACK_POST = 'src/ccid.c ccid_open_hack_post()';
const CHAINING = { reason: 'firmware chains answers as at extended-APDU level', source: HACK_POST, fix: extendedApdu };

export const QUIRKS: Readonly<Record<string, Quirk>> = {
  '09BE:0002': { reason: 'MySmartPad reports a wrong dwMaxIFSD', source: HACK_PRE, fix: (d) => ({ ...d, dwMaxIFSD: 254 }) },
  '0B81:0200': { reason: 'CL1356D firmware answers slowly', source: HACK_PRE, minTimeoutMs: 60_000 },
  '0B97:7762': {
    reason: 'O2Micro OZ776 cannot keep up above 9600 bps and cannot do PPS',
    source: `${HACK_PRE}; src/ifdhandler.c IFDHSetProtocolParameters() O2MICRO_OZ776_PATCH`,
    fix: (d) => ({ ...d, dwMaxDataRate: 9600 }),
    noPps: true,
  },
  '0B97:7772': {
    reason: 'O2Micro OZ776 cannot keep up above 9600 bps and cannot do PPS',
    source: `${HACK_PRE}; src/ifdhandler.c IFDHSetProtocolParameters() O2MICRO_OZ776_PATCH`,
    fix: (d) => ({ ...d, dwMaxDataRate: 9600 }),
    noPps: true,
  },
  '058F:9540': { reason: 'Alcor AU9540 fails above 200000 bps', source: HACK_PRE, fix: (d) => ({ ...d, dwMaxDataRate: 200_000 }), maxTableRate: 200_000 },
  '076B:3A21': { ...CHAINING, reason: `HID OMNIKEY (Aviator): ${CHAINING.reason}` },
  '076B:3031': { ...CHAINING, reason: `HID OMNIKEY 3121/3021/1021: ${CHAINING.reason}` },
  '076B:6632': { ...CHAINING, reason: `HID OMNIKEY 6121: ${CHAINING.reason}` },
  '046A:00A7': { ...CHAINING, reason: `Cherry Smart Terminal xx44: ${CHAINING.reason}` },
  '0BF8:1024': { ...CHAINING, reason: `Fujitsu D323: ${CHAINING.reason}` },
  '2F7C:6007': { ...CHAINING, reason: `Diebold Nixdorf PN7362AU: ${CHAINING.reason}` },
  '0D46:3010': { reason: 'KOBIL TriBank firmware does not do extended APDUs: short APDU level', source: HACK_POST, fix: level(FEATURE.LevelShortApdu) },
  '046A:00A1': {
    reason: 'Cherry KC1000SC firmware 1.00 at short APDU level chains answers of T=1 cards',
    source: HACK_POST,
    fix: (d, bcd) => (bcd === 0x0100 && (d.dwFeatures & FEATURE.LevelMask) === FEATURE.LevelShortApdu ? extendedApdu(d) : d),
  },
  '0529:0620': {
    reason: 'SafeNet eToken 5100 firmware 0.12 and 0.13 do not like the IFSD exchange',
    source: HACK_POST,
    fix: (d, bcd) => (bcd === 0x0012 || bcd === 0x0013 ? { ...d, dwFeatures: d.dwFeatures | FEATURE.AutoIfsd } : d),
  },
};

export function quirkKey(vendorId: number, productId: number): string {
  const h = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  return `${h(vendorId)}:${h(productId)}`;
}

export function quirkFor(vendorId: number, productId: number): Quirk | undefined {
  return QUIRKS[quirkKey(vendorId, productId)];
}

/**
 * The descriptor the driver works with: the reader's entry, then the rule libccid
 * applies to every reader: SCM firmware reports dwMaxCCIDMessageLength 263 instead of
 * 270, which would forbid a full 260-byte short APDU (src/commands.c
 * BOGUS_SCM_FIRMWARE_FOR_dwMaxCCIDMessageLength, CmdXfrBlockTPDU_T0()).
 */
export function effectiveDescriptor(d: CcidClassDescriptor, quirk: Quirk | undefined, bcdDevice: number | undefined, interfaceProtocol = 0): CcidClassDescriptor {
  let fixed = quirk?.fix ? quirk.fix(d, bcdDevice) : d;
  // ICCD version B at short-APDU level answers with the extended-APDU chaining (ccid_open_hack_pre).
  if (interfaceProtocol === 2 && (fixed.dwFeatures & FEATURE.LevelMask) === FEATURE.LevelShortApdu) fixed = level(FEATURE.LevelExtendedApdu)(fixed);
  // ICCD version A moves T=0 TPDUs by status polling (commands.c CmdXfrBlockCHAR_T0,
  // ICCD_A branch) and T=1 blocks whole (proto-t1.c t1_xcv over CCID_Transmit and
  // CCID_Receive's ICCD_A branches), and has no request for PPS or parameters: the
  // device negotiates by itself, so the card runs its default protocol (slot.ts).
  if (interfaceProtocol === 1) fixed = { ...fixed, dwFeatures: (fixed.dwFeatures | FEATURE.AutoParameterNegotiation) >>> 0 };
  return fixed.dwMaxCCIDMessageLength === 263 ? { ...fixed, dwMaxCCIDMessageLength: 270 } : fixed;
}
