/** Decoders never throw on arbitrary bytes; they return a typed DecodeError (DESIGN.md). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../result.ts';
import { decodeClassDescriptor, encodeClassDescriptor } from './class-descriptor.ts';
import { decodeInterrupt } from './interrupt.ts';
import { decodeParameters } from './parameters.ts';
import { decodePcToRdr, encodePcToRdr } from './pc-to-rdr.ts';
import { decodeRdrToPc, encodeRdrToPc } from './rdr-to-pc.ts';
import { parseConfigurationDescriptor } from '../usb-descriptors.ts';
import { parseAtr } from '../atr.ts';
import { decodePps } from '../atr-pps.ts';
import { decodeT1Block } from '../t1-block.ts';

const decoders: Array<[string, (b: Uint8Array) => { ok: boolean; error?: unknown }]> = [
  ['PC_to_RDR', decodePcToRdr],
  ['RDR_to_PC', decodeRdrToPc],
  ['interrupt', decodeInterrupt],
  ['class descriptor', decodeClassDescriptor],
  ['parameters T=0', (b) => decodeParameters(0, b)],
  ['parameters T=1', (b) => decodeParameters(1, b)],
  ['configuration descriptor', parseConfigurationDescriptor],
  ['ATR', parseAtr],
  ['PPS', decodePps],
  ['T=1 block LRC', (b) => decodeT1Block(b, 'lrc')],
  ['T=1 block CRC', (b) => decodeT1Block(b, 'crc')],
];

describe('decoders on arbitrary bytes', () => {
  for (const [name, decode] of decoders) {
    it(`${name}: never throws, failures are DecodeErrors`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
          const d = decode(b);
          if (!d.ok) expect(d.error).toBeInstanceOf(DecodeError);
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('CCID headers with a correct dwLength: decoded or refused, never thrown', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 5, maxLength: 5 }), fc.uint8Array({ maxLength: 64 }), (t, rest, data) => {
        const b = Uint8Array.from([t, data.length, 0, 0, 0, ...rest, ...data]);
        for (const d of [decodePcToRdr(b), decodeRdrToPc(b)]) if (!d.ok) expect(d.error).toBeInstanceOf(DecodeError);
      }),
    );
  });
});

describe('round trips', () => {
  it('RDR_to_PC encode then decode is the identity', () => {
    const types = ['DataBlock', 'SlotStatus', 'Parameters', 'Escape'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.nat(255), fc.nat(255), fc.constantFrom(0, 1, 2, 0x40, 0x41, 0x42, 0x80), fc.nat(255), fc.nat(255), fc.uint8Array({ maxLength: 40 }), (type, slot, seq, bStatus, bError, specific, data) => {
        const m = { type, slot, seq, bStatus, bError, specific, data: type === 'SlotStatus' ? new Uint8Array(0) : data };
        const d = decodeRdrToPc(encodeRdrToPc(m));
        expect(d.ok && d.value).toEqual(m);
      }),
    );
  });

  it('XfrBlock encode then decode is the identity', () => {
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(0xffff), fc.uint8Array({ maxLength: 300 }), (slot, seq, bwi, levelParameter, data) => {
        const m = { type: 'XfrBlock' as const, slot, seq, bwi, levelParameter, data };
        const d = decodePcToRdr(encodePcToRdr(m));
        expect(d.ok && d.value).toEqual(m);
      }),
    );
  });

  it('class descriptor encode then decode is the identity', () => {
    const u = (bits: number) => fc.nat(2 ** bits - 1);
    fc.assert(
      fc.property(
        fc.record({
          bcdCCID: u(16), bMaxSlotIndex: u(8), bVoltageSupport: u(8), dwProtocols: u(32), dwDefaultClock: u(32), dwMaximumClock: u(32),
          bNumClockSupported: u(8), dwDataRate: u(32), dwMaxDataRate: u(32), bNumDataRatesSupported: u(8), dwMaxIFSD: u(32),
          dwSynchProtocols: u(32), dwMechanical: u(32), dwFeatures: u(32), dwMaxCCIDMessageLength: u(32), bClassGetResponse: u(8),
          bClassEnvelope: u(8), wLcdLayout: u(16), bPINSupport: u(8), bMaxCCIDBusySlots: u(8),
        }),
        (d) => {
          const back = decodeClassDescriptor(encodeClassDescriptor(d));
          expect(back.ok && back.value).toEqual(d);
        },
      ),
    );
  });
});
