/** Byte-exact CCID messages against CCID rev 1.1 §6.1-§6.3 layouts. */
import { describe, expect, it } from 'vitest';
import { fromHex, hex } from '../bytes.ts';
import { decodeClassDescriptor } from './class-descriptor.ts';
import { exchangeLevel, slotErrorName } from './constants.ts';
import { decodeInterrupt, encodeHardwareError, encodeNotifySlotChange } from './interrupt.ts';
import { decodeParameters, encodeParameters } from './parameters.ts';
import { decodePcToRdr, encodePcToRdr } from './pc-to-rdr.ts';
import { decodeRdrToPc, decodeStatus, encodeStatus } from './rdr-to-pc.ts';

describe('PC_to_RDR (§6.1)', () => {
  it.each([
    [{ type: 'IccPowerOn', slot: 0, seq: 0, powerSelect: 1 } as const, '62000000000000010000'],
    [{ type: 'IccPowerOff', slot: 1, seq: 2 } as const, '63000000000102000000'],
    [{ type: 'GetSlotStatus', slot: 0, seq: 255 } as const, '650000000000FF000000'],
    [{ type: 'XfrBlock', slot: 0, seq: 7, bwi: 3, levelParameter: 0x0102, data: fromHex('00A4') } as const, '6F02000000000703020100A4'],
    [{ type: 'SetParameters', slot: 0, seq: 1, protocol: 0, data: fromHex('1100000A00') } as const, '61050000000001000000' + '1100000A00'],
    [{ type: 'T0APDU', slot: 0, seq: 1, changes: 3, classGetResponse: 0xff, classEnvelope: 0x80 } as const, '6A000000000001' + '03FF80'],
    [{ type: 'Abort', slot: 0, seq: 9 } as const, '72000000000009000000'],
    [{ type: 'SetDataRateAndClockFrequency', slot: 0, seq: 1, clockFrequency: 4000, dataRate: 10752 } as const, '730800000000010000' + '00A00F0000002A0000'],
  ])('%o', (m, bytes) => {
    expect(hex(encodePcToRdr(m))).toBe(bytes);
    expect(decodePcToRdr(fromHex(bytes))).toEqual({ ok: true, value: m });
  });

  it('dwLength is little endian for 0, 1, 255, 256 and 65535 data bytes', () => {
    for (const [n, le] of [[0, '00000000'], [1, '01000000'], [255, 'FF000000'], [256, '00010000'], [65535, 'FFFF0000']] as const) {
      const b = encodePcToRdr({ type: 'XfrBlock', slot: 0, seq: 0, bwi: 0, levelParameter: 0, data: new Uint8Array(n) });
      expect(hex(b.subarray(1, 5))).toBe(le);
      expect(b.length).toBe(10 + n);
    }
  });

  it('refuses truncated messages, wrong dwLength and unknown types', () => {
    expect(decodePcToRdr(fromHex('6F0100000000000000')).ok).toBe(false);
    expect(decodePcToRdr(fromHex('6F02000000000000000000')).ok).toBe(false);
    expect(decodePcToRdr(fromHex('99000000000000000000')).ok).toBe(false);
    expect(decodePcToRdr(fromHex('620100000000000100000000')).ok).toBe(false); // IccPowerOn carries no data
  });
});

describe('RDR_to_PC (§6.2)', () => {
  it('DataBlock with ATR', () => {
    const d = decodeRdrToPc(fromHex('80020000000003000000' + '3B00'));
    expect(d).toEqual({ ok: true, value: { type: 'DataBlock', slot: 0, seq: 3, bStatus: 0, bError: 0, specific: 0, data: fromHex('3B00') } });
  });
  it('bStatus: ICC status in bits 0-1, command status in bits 6-7 (§6.2.6)', () => {
    expect(decodeStatus(0x42, 0xfe)).toEqual({ icc: 'absent', command: 'failed', error: 0xfe, errorName: 'ICC_MUTE' });
    expect(decodeStatus(0x80, 2)).toEqual({ icc: 'active', command: 'time-extension', error: 2, errorName: undefined });
    expect(encodeStatus('inactive', 'failed')).toBe(0x41);
    expect(slotErrorName(0x05)).toBe('BAD_PARAMETER_AT_OFFSET_5');
    expect(slotErrorName(0xe0)).toBe('CMD_SLOT_BUSY');
  });
  it('refuses RFU status bits and data on SlotStatus', () => {
    expect(decodeRdrToPc(fromHex('81000000000000040000')).ok).toBe(false);
    expect(decodeRdrToPc(fromHex('8101000000000000000000')).ok).toBe(false);
  });
});

describe('interrupt messages (§6.3)', () => {
  it('NotifySlotChange packs two bits per slot', () => {
    const b = encodeNotifySlotChange([{ present: true, changed: true }, { present: false, changed: true }, { present: true, changed: false }, { present: false, changed: false }, { present: true, changed: true }]);
    expect(hex(b)).toBe('50' + '1B' + '03');
    const d = decodeInterrupt(b);
    expect(d.ok && d.value.type === 'NotifySlotChange' && d.value.slots.slice(0, 5).map((s) => +s.present)).toEqual([1, 0, 1, 0, 1]);
  });
  it('HardwareError is 4 bytes', () => {
    expect(hex(encodeHardwareError(1, 2, 1))).toBe('51010201');
    expect(decodeInterrupt(fromHex('510102')).ok).toBe(false);
  });
});

describe('protocol data structures (§6.1.7)', () => {
  it('T=1: Fi/Di, TCCKS with CRC, guard, BWI/CWI, clock stop, IFSC, NAD', () => {
    const p = { protocol: 1, fiDi: 0x96, crc: true, inverse: false, guardTime: 2, bwi: 4, cwi: 5, clockStop: 0, ifsc: 0xfe, nad: 0 } as const;
    expect(hex(encodeParameters(p))).toBe('96110245' + '00FE00');
    expect(decodeParameters(1, fromHex('96110245' + '00FE00'))).toEqual({ ok: true, value: p });
    expect(decodeParameters(1, fromHex('9611')).ok).toBe(false);
    expect(decodeParameters(2, fromHex('00')).ok).toBe(false);
  });
});

describe('class descriptor (§5.1)', () => {
  it('decodes the ACR1281U descriptor and its exchange level', () => {
    const bytes = fromHex('3621' + '0001' + '02' + '07' + '03000000' + 'C0120000' + 'C0120000' + '00' + '67320000' + '1F4D0600' + '00' + '00020000' + '00000000' + '00000000' + 'BA040400' + '0A020000' + '00' + '00' + '0000' + '00' + '01');
    const d = decodeClassDescriptor(bytes);
    expect(d.ok && [d.value.bMaxSlotIndex, d.value.dwMaxIFSD, d.value.dwMaxCCIDMessageLength, d.value.dwDefaultClock]).toEqual([2, 512, 522, 4800]);
    expect(d.ok && exchangeLevel(d.value.dwFeatures)).toBe('extended-apdu');
    expect(decodeClassDescriptor(bytes.subarray(0, 53)).ok).toBe(false);
  });
});
