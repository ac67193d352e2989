import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { command, decodeCommand, decodeResponse, encodeCommand, encodeResponse } from './apdu.ts';
import { fromHex, hex } from './bytes.ts';

const d = (n: number) => new Uint8Array(n).map((_, i) => i & 0xff);

describe('encodeCommand (ISO 7816-4 §5.1)', () => {
  it('case 1', () => expect(hex(encodeCommand(command(0x00, 0xa4, 0x04, 0x00)))).toBe('00A40400'));
  it('case 2S with Ne 1, 255 and 256 (Le 00)', () => {
    expect(hex(encodeCommand(command(0x80, 0xca, 0x01, 0x01, undefined, 1)))).toBe('80CA010101');
    expect(hex(encodeCommand(command(0x80, 0xca, 0x01, 0x01, undefined, 255)))).toBe('80CA0101FF');
    expect(hex(encodeCommand(command(0x80, 0xca, 0x01, 0x01, undefined, 256)))).toBe('80CA010100');
  });
  it('case 3S with Nc 1 and 255', () => {
    expect(hex(encodeCommand(command(0, 0x20, 0, 0x81, fromHex('31'))))).toBe('002000810131');
    const e = encodeCommand(command(0, 0xd6, 0, 0, d(255)));
    expect(e.length).toBe(4 + 1 + 255);
    expect(e[4]).toBe(0xff);
  });
  it('case 4S', () => expect(hex(encodeCommand(command(0, 0xa4, 4, 0, fromHex('A000'), 256)))).toBe('00A4040002A00000'));
  it('case 2E for Ne 257 and 65536 (Le 0000)', () => {
    expect(hex(encodeCommand(command(0x80, 0xb2, 0, 0, undefined, 257)))).toBe('80B20000000101');
    expect(hex(encodeCommand(command(0x80, 0xb2, 0, 0, undefined, 65536)))).toBe('80B20000000000');
  });
  it('case 3E for Nc 256 and 65535', () => {
    const a = encodeCommand(command(0x80, 0xc2, 0, 0, d(256)));
    expect(hex(a.subarray(0, 7))).toBe('80C20000000100');
    expect(a.length).toBe(7 + 256);
    const b = encodeCommand(command(0x80, 0xc2, 0, 0, d(65535)));
    expect(hex(b.subarray(0, 7))).toBe('80C2000000FFFF');
  });
  it('case 4E', () => {
    const a = encodeCommand(command(0x80, 0xc2, 0, 0, d(300), 65536));
    expect(hex(a.subarray(0, 7))).toBe('80C2000000012C');
    expect(hex(a.subarray(a.length - 2))).toBe('0000');
    expect(a.length).toBe(7 + 300 + 2);
  });
  it('extended form when forced, even for small commands', () => {
    expect(hex(encodeCommand(command(0, 0x20, 0, 0x81, fromHex('31'), 0), 'extended'))).toBe('00200081000001' + '31');
  });
  it('refuses what no APDU can carry', () => {
    expect(() => encodeCommand(command(0x100, 0, 0, 0))).toThrow(RangeError);
    expect(() => encodeCommand(command(0, 0, 0, 0, d(65536)))).toThrow(RangeError);
    expect(() => encodeCommand(command(0, 0, 0, 0, undefined, 65537))).toThrow(RangeError);
  });
});

describe('decodeCommand', () => {
  it('refuses truncated and inconsistent length fields with a typed error', () => {
    for (const bad of ['', '00', '00A404', '00A4040002A0', '00A404000000', '00A4040000000300', '80C2000000010203']) {
      const r = decodeCommand(fromHex(bad));
      expect(r.ok, bad).toBe(false);
    }
  });
  it('round-trips every case, short and extended', () => {
    fc.assert(
      fc.property(
        fc.record({
          cla: fc.integer({ min: 0, max: 255 }),
          ins: fc.integer({ min: 0, max: 255 }),
          p1: fc.integer({ min: 0, max: 255 }),
          p2: fc.integer({ min: 0, max: 255 }),
          data: fc.uint8Array({ maxLength: 700 }),
          ne: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 65536 })),
        }),
        fc.boolean(),
        (c, forceExt) => {
          const enc = encodeCommand(c, forceExt ? 'extended' : 'auto');
          const r = decodeCommand(enc);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.value.data).toEqual(c.data);
          expect(r.value.ne).toBe(c.ne);
          expect([r.value.cla, r.value.ins, r.value.p1, r.value.p2]).toEqual([c.cla, c.ins, c.p1, c.p2]);
        },
      ),
    );
  });
  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => void decodeCommand(b)));
  });
});

describe('responses', () => {
  it('splits data and SW', () => {
    const r = decodeResponse(fromHex('01029000'));
    expect(r.ok && r.value.sw).toBe(0x9000);
    expect(r.ok && hex(r.value.data)).toBe('0102');
    expect(decodeResponse(fromHex('90')).ok).toBe(false);
    expect(hex(encodeResponse({ data: fromHex('AA'), sw: 0x6310 }))).toBe('AA6310');
  });
});
