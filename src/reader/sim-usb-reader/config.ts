/**
 * What kind of reader the simulator is, and the descriptors it reports. The class
 * descriptor is built the way real readers fill it (CCID rev 1.1 §5.1).
 */
import { encodeClassDescriptor, type CcidClassDescriptor } from '../../protocol/ccid/class-descriptor.ts';
import { FEATURE } from '../../protocol/ccid/constants.ts';
import { buildConfigurationDescriptor, type UsbConfigurationInfo } from '../../protocol/usb-descriptors.ts';

export type SimLevel = 'tpdu-t1' | 'tpdu-t0' | 'short-apdu' | 'extended-apdu';

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
}

export const BULK_OUT = 0x01;
export const BULK_IN = 0x02;
export const INTERRUPT_IN = 0x03;

const LEVEL_BITS: Record<SimLevel, number> = {
  'tpdu-t1': FEATURE.LevelTpdu,
  'tpdu-t0': FEATURE.LevelTpdu,
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
  return {
    bcdCCID: 0x0110,
    bMaxSlotIndex: c.slots - 1,
    bVoltageSupport: 0x07,
    dwProtocols: c.level === 'tpdu-t0' ? 0x01 : c.level === 'tpdu-t1' ? 0x02 : 0x03,
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

export function simConfiguration(c: SimReaderConfig): UsbConfigurationInfo {
  const endpoints = [
    { address: BULK_OUT, number: BULK_OUT, direction: 'out' as const, type: 'bulk' as const, maxPacketSize: 64, interval: 0 },
    { address: 0x80 | BULK_IN, number: BULK_IN, direction: 'in' as const, type: 'bulk' as const, maxPacketSize: 64, interval: 0 },
  ];
  if (c.interrupt) endpoints.push({ address: 0x80 | INTERRUPT_IN, number: INTERRUPT_IN, direction: 'in', type: 'interrupt', maxPacketSize: 8, interval: 16 } as never);
  return {
    value: 1,
    attributes: 0x80,
    maxPower: 50,
    interfaces: [
      {
        number: 0,
        alternate: 0,
        interfaceClass: c.interfaceClass,
        interfaceSubclass: 0,
        interfaceProtocol: 0,
        iInterface: 0,
        endpoints,
        extra: [encodeClassDescriptor(simClassDescriptor(c))],
      },
    ],
  };
}

export function simConfigurationBytes(c: SimReaderConfig): Uint8Array {
  return buildConfigurationDescriptor(simConfiguration(c));
}
