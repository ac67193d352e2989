/**
 * Read the text that libccid's `parse` tool prints (test/fixtures/ccid-readers) back
 * into descriptor fields, so a test can rebuild the bytes a reader sends.
 */
import type { CcidClassDescriptor } from '../../src/protocol/ccid/class-descriptor.ts';
import type { ExchangeLevel } from '../../src/protocol/ccid/constants.ts';

export interface DumpedInterface {
  vendorId: number;
  productId: number;
  interfaceNumber: number;
  interfaceClass: number;
  interfaceProtocol: number;
  numEndpoints: number;
  descriptor: CcidClassDescriptor;
  /** From the line "0X.... ... exchange" under dwFeatures. */
  level: ExchangeLevel;
  /** The "Support N bps" lines under bNumDataRatesSupported: the reader's GET_DATA_RATES answer. */
  dataRates: number[];
  /** "bcdDevice: 2.07" as 0x0207, for quirks keyed on the firmware. */
  bcdDevice: number;
}

function bcdOf(text: string): number {
  const m = /^\s*bcdDevice:\s*([0-9a-fA-F]+)\.([0-9a-fA-F]+)/m.exec(text);
  return m ? (parseInt(m[1] as string, 16) << 8) | parseInt(m[2] as string, 16) : 0;
}

function dataRatesOf(block: string): number[] {
  const at = block.indexOf('bNumDataRatesSupported:');
  const end = block.indexOf('dwMaxIFSD:');
  if (at < 0 || end < at) return [];
  return [...block.slice(at, end).matchAll(/Support (\d+) bps/g)].map((m) => Number(m[1]));
}

const LEVELS: Record<string, ExchangeLevel> = { '00': 'character', '01': 'tpdu', '02': 'short-apdu', '04': 'extended-apdu' };

function field(block: string, name: string): string {
  const m = new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(block);
  if (!m) throw new Error(`field ${name} missing`);
  return (m[1] as string).trim();
}

const int = (s: string) => (s.startsWith('0x') ? parseInt(s, 16) : parseInt(s, 10));
const firstNumber = (s: string) => int(s.split(/\s+/)[0] as string);
/** "4.800 MHz" is kHz / 1000 with three decimals. */
const khz = (s: string) => Math.round(parseFloat(s) * 1000);

export function parseDump(text: string): DumpedInterface[] {
  const blocks = text.split(/^(?= idVendor:)/m).filter((b) => b.includes('CCID Class Descriptor'));
  return blocks.map((b) => {
    const [major, minor] = field(b, 'bcdCCID').split('.') as [string, string];
    const [protoHi, protoLo] = field(b, 'dwProtocols').split(/\s+/) as [string, string];
    const levelLine = /^\s*(0[0-7])\.{4} .*exchange/m.exec(b);
    const level = LEVELS[levelLine?.[1] ?? ''];
    if (!level) throw new Error('no exchange level line');
    return {
      vendorId: int(field(b, 'idVendor')),
      productId: int(field(b, 'idProduct')),
      interfaceNumber: int(field(b, 'bInterfaceNumber')),
      interfaceClass: int(field(b, 'bInterfaceClass').split(/\s+/)[0] as string),
      interfaceProtocol: int(field(b, 'bInterfaceProtocol')),
      numEndpoints: int(field(b, 'bNumEndpoints')),
      level,
      dataRates: dataRatesOf(b),
      bcdDevice: bcdOf(text),
      descriptor: {
        bcdCCID: (parseInt(major, 16) << 8) | parseInt(minor, 16),
        bMaxSlotIndex: int(field(b, 'bMaxSlotIndex')),
        bVoltageSupport: int(field(b, 'bVoltageSupport')),
        dwProtocols: ((int(protoHi) << 16) | int(protoLo)) >>> 0,
        dwDefaultClock: khz(field(b, 'dwDefaultClock')),
        dwMaximumClock: khz(field(b, 'dwMaximumClock')),
        bNumClockSupported: firstNumber(field(b, 'bNumClockSupported')),
        dwDataRate: firstNumber(field(b, 'dwDataRate')),
        dwMaxDataRate: firstNumber(field(b, 'dwMaxDataRate')),
        bNumDataRatesSupported: firstNumber(field(b, 'bNumDataRatesSupported')),
        dwMaxIFSD: firstNumber(field(b, 'dwMaxIFSD')),
        dwSynchProtocols: int(field(b, 'dwSynchProtocols')),
        dwMechanical: int(field(b, 'dwMechanical')),
        dwFeatures: int(field(b, 'dwFeatures')),
        dwMaxCCIDMessageLength: firstNumber(field(b, 'dwMaxCCIDMessageLength')),
        bClassGetResponse: int(field(b, 'bClassGetResponse')),
        bClassEnvelope: int(field(b, 'bClassEnvelope')),
        wLcdLayout: int(field(b, 'wLcdLayout')),
        bPINSupport: int(field(b, 'bPINSupport')),
        bMaxCCIDBusySlots: firstNumber(field(b, 'bMaxCCIDBusySlots')),
      },
    };
  });
}
