/**
 * What kind of reader the simulator is, and the descriptors it reports. The class
 * descriptor is built the way real readers fill it (CCID rev 1.1 §5.1).
 */
import { encodeClassDescriptor, type CcidClassDescriptor } from '../../protocol/ccid/class-descriptor.ts';
import { FEATURE, type ExchangeLevel } from '../../protocol/ccid/constants.ts';
import type { T0CharOptions } from './t0-char-card.ts';
import { buildConfigurationDescriptor, type UsbConfigurationInfo, type UsbEndpointInfo } from '../../protocol/usb-descriptors.ts';

export type SimLevel = 'tpdu-t1' | 'tpdu-t0' | 'character-t1' | 'character-t0' | 'short-apdu' | 'extended-apdu';

export interface SimReaderConfig {
  level: SimLevel;
  /** dwMaxCCIDMessageLength, header included. */
  maxMessageLength: number;
  slots: number;
  vendorId: number;
  productId: number;
  productName: string;
  /** Interrupt-IN endpoint for NotifySlotChange; without it the driver polls. */
  interrupt: boolean;
  /** dwFeatures bits beyond the exchange level (auto PPS, auto IFSD, ...). */
  extraFeatures: number;
  /** Time-extension answers (bStatus 0x80) the reader sends before each XfrBlock answer. */
  timeExtensions: number;
  /** bInterfaceClass: 0x0B, or 0xFF for a vendor-class reader. */
  interfaceClass: number;
  dwMaxIFSD: number;
  /** The whole class descriptor, e.g. a real reader's (test/fixtures/ccid-readers); overrides the fields above. */
  descriptor?: CcidClassDescriptor;
  /** GET_DATA_RATES answer (bps), when the descriptor declares bNumDataRatesSupported. */
  dataRates?: readonly number[];
  /** Other interfaces of the device, listed in its configuration descriptor; only `interfaceNumber` is served. */
  otherInterfaces?: readonly SimInterface[];
  /** bInterfaceNumber of the CCID interface the simulator serves. Default 0. */
  interfaceNumber?: number;
  /** bInterfaceProtocol of the served interface: 0 CCID, 1 ICCD A, 2 ICCD B. */
  interfaceProtocol?: number;
  /** Endpoints of the served interface; default bulk pair, plus interrupt-IN when `interrupt`. */
  endpoints?: 'bulk' | 'interrupt-only' | 'none';
  /** bPowerSelect values at which the card answers (1 = 5 V, 2 = 3 V, 3 = 1.8 V). Default all. */
  cardVoltages?: readonly number[];
  /** The card answers a PPS request with silence (ICC_MUTE), as cards that do not do PPS. */
  cardRefusesPps?: boolean;
  /** bcdDevice, for quirks that depend on the firmware version. */
  bcdDevice?: number;
  /**
   * What the firmware really does when its descriptor says otherwise (the readers
   * libccid's quirks correct, e.g. OMNIKEY 3121 chaining answers as at extended-APDU
   * level while announcing short APDUs). Default: the descriptor's level.
   */
  firmwareLevel?: ExchangeLevel;
  /**
   * The T=0 card at character level: NULL bytes before each procedure byte, data bytes
   * moved one at a time (~INS) before an INS for the rest, and which instructions send
   * data (default: t0-directions.ts).
   */
  t0Character?: Partial<T0CharOptions>;
}

export interface SimInterface {
  number: number;
  interfaceClass: number;
  interfaceProtocol: number;
  endpoints: 'bulk' | 'bulk+interrupt' | 'interrupt-only' | 'none';
  descriptor: CcidClassDescriptor;
}

export const BULK_OUT = 0x01;
export const BULK_IN = 0x02;
export const INTERRUPT_IN = 0x03;

const LEVEL_BITS: Record<SimLevel, number> = {
  'tpdu-t1': FEATURE.LevelTpdu,
  'tpdu-t0': FEATURE.LevelTpdu,
  'character-t1': 0, // no level bit: character level (§5.1 dwFeatures bits 16-18)
  'character-t0': 0,
  'short-apdu': FEATURE.LevelShortApdu,
  'extended-apdu': FEATURE.LevelExtendedApdu,
};

export function simConfig(level: SimLevel, overrides: Partial<SimReaderConfig> = {}): SimReaderConfig {
  const apdu = level === 'short-apdu' || level === 'extended-apdu';
  return {
    level,
    maxMessageLength: level === 'extended-apdu' ? 1034 : 271,
    slots: 1,
    vendorId: 0x1209, // pid.codes open-source VID, so the simulator matches no real reader's quirk
    productId: 0x0ccd,
    productName: `icvault simulated ${level} reader`,
    interrupt: true,
    // APDU-level readers negotiate by themselves (0x40); TPDU readers leave PPS,
    // SetParameters and IFSD to the host, like the cheapest real ones.
    extraFeatures: apdu ? FEATURE.AutoConfigFromAtr | FEATURE.AutoParameterNegotiation | FEATURE.AutoVoltage | FEATURE.AutoClock | FEATURE.AutoBaud : FEATURE.AutoVoltage | FEATURE.AutoClock,
    timeExtensions: 0,
    interfaceClass: 0x0b,
    dwMaxIFSD: 254,
    ...overrides,
  };
}

export function simClassDescriptor(c: SimReaderConfig): CcidClassDescriptor {
  if (c.descriptor) return c.descriptor;
  return {
    bcdCCID: 0x0110,
    bMaxSlotIndex: c.slots - 1,
    bVoltageSupport: 0x07,
    dwProtocols: c.level === 'tpdu-t0' || c.level === 'character-t0' ? 0x01 : c.level === 'tpdu-t1' || c.level === 'character-t1' ? 0x02 : 0x03,
    dwDefaultClock: 4000,
    dwMaximumClock: 4000,
    bNumClockSupported: 0,
    dwDataRate: 10752,
    dwMaxDataRate: 344086,
    bNumDataRatesSupported: 0,
    dwMaxIFSD: c.dwMaxIFSD,
    dwSynchProtocols: 0,
    dwMechanical: 0,
    dwFeatures: LEVEL_BITS[c.level] | c.extraFeatures,
    dwMaxCCIDMessageLength: c.maxMessageLength,
    bClassGetResponse: 0xff,
    bClassEnvelope: 0xff,
    wLcdLayout: 0,
    bPINSupport: 0,
    bMaxCCIDBusySlots: 1,
  };
}

/** Endpoint numbers of interface k: bulk-OUT 3k+1, bulk-IN 3k+2, interrupt-IN 3k+3. */
export function endpointsOf(k: number, kind: SimInterface['endpoints']): UsbEndpointInfo[] {
  const out: UsbEndpointInfo = { address: 3 * k + BULK_OUT, number: 3 * k + BULK_OUT, direction: 'out', type: 'bulk', maxPacketSize: 64, interval: 0 };
  const bin: UsbEndpointInfo = { address: 0x80 | (3 * k + BULK_IN), number: 3 * k + BULK_IN, direction: 'in', type: 'bulk', maxPacketSize: 64, interval: 0 };
  const int: UsbEndpointInfo = { address: 0x80 | (3 * k + INTERRUPT_IN), number: 3 * k + INTERRUPT_IN, direction: 'in', type: 'interrupt', maxPacketSize: 8, interval: 16 };
  return kind === 'bulk+interrupt' ? [out, bin, int] : kind === 'bulk' ? [out, bin] : kind === 'interrupt-only' ? [int] : [];
}

export function servedEndpoints(c: SimReaderConfig): SimInterface['endpoints'] {
  if (c.endpoints === 'interrupt-only' || c.endpoints === 'none') return c.endpoints;
  return c.interrupt ? 'bulk+interrupt' : 'bulk';
}

export function simConfiguration(c: SimReaderConfig): UsbConfigurationInfo {
  const served: SimInterface = {
    number: c.interfaceNumber ?? 0,
    interfaceClass: c.interfaceClass,
    interfaceProtocol: c.interfaceProtocol ?? 0,
    endpoints: servedEndpoints(c),
    descriptor: simClassDescriptor(c),
  };
  const all = [...(c.otherInterfaces ?? []), served].sort((a, b) => a.number - b.number);
  return {
    value: 1,
    attributes: 0x80,
    maxPower: 50,
    interfaces: all.map((i) => ({
      number: i.number,
      alternate: 0,
      interfaceClass: i.interfaceClass,
      interfaceSubclass: 0,
      interfaceProtocol: i.interfaceProtocol,
      iInterface: 0,
      endpoints: endpointsOf(i.number, i.endpoints),
      extra: [encodeClassDescriptor(i.descriptor)],
    })),
  };
}

export function simConfigurationBytes(c: SimReaderConfig): Uint8Array {
  return buildConfigurationDescriptor(simConfiguration(c));
}
