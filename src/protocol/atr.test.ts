/** ATR (ISO/IEC 7816-3 §8.2), PPS (§9) and configuration descriptors (USB 2.0 §9.6). */
import { describe, expect, it } from 'vitest';
import { parseAtr } from './atr.ts';
import { decodePps, encodePps } from './atr-pps.ts';
import { fromHex, hex } from './bytes.ts';
import { buildConfigurationDescriptor, parseConfigurationDescriptor } from './usb-descriptors.ts';

describe('parseAtr', () => {
  it('T=1 card: Fi/Di, IFSC, BWI/CWI, historical bytes, TCK', () => {
    // TS T0(TA1 TC1 TD1, K=5) TA1=96 TC1=00 TD1=81 TD2=31 TA3=FE TB3=45, card capabilities 73 00 00 C0, TCK
    const body = fromHex('D5 96 00 81 31 FE 45 80 73 00 00 C0');
    const atr = Uint8Array.from([0x3b, ...body.subarray(0, 7), ...body.subarray(7), body.reduce((x, v) => x ^ v, 0)]);
    const d = parseAtr(atr);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect([d.value.fi, d.value.di, d.value.protocols, d.value.ifsc, d.value.bwi, d.value.cwi, d.value.crc]).toEqual([512, 32, [1], 254, 4, 5, false]);
    expect(d.value.history).toEqual({ commandChaining: true, extendedLength: true });
    expect(d.value.specificProtocol).toBeUndefined();
  });
  it('T=0 only: defaults, no TCK', () => {
    const d = parseAtr(fromHex('3B 02 14 50'));
    expect(d.ok && [d.value.fi, d.value.di, d.value.protocols, d.value.wi, d.value.tck]).toEqual([372, 1, [0], 10, undefined]);
  });
  it('TA2 means specific mode', () => {
    const body = fromHex('90 11 11 01');
    const d = parseAtr(Uint8Array.from([0x3b, ...body, 0x90 ^ 0x11 ^ 0x11 ^ 0x01]));
    expect(d.ok && d.value.specificProtocol).toBe(1);
  });
  it('inverse convention 3F', () => {
    expect(parseAtr(fromHex('3F 00')).ok && parseAtr(fromHex('3F 00'))).toMatchObject({ value: { convention: 'inverse' } });
  });
  it.each([
    ['', 'too short'],
    ['3B', 'too short'],
    ['3A 00', 'TS'],
    ['3B 10', 'TA1 missing'],
    ['3B 05 01 02', 'historical'],
    ['3B 80 01', 'TCK missing'],
    ['3B 80 01 00', 'does not check'],
    ['3B 00 11 22', 'after the end'],
  ])('refuses %s (%s)', (h, why) => {
    const d = parseAtr(fromHex(h));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error.message).toContain(why);
  });
});

describe('PPS', () => {
  it('request T=1 with Fi/Di 96: FF 11 96 78', () => {
    expect(hex(encodePps({ protocol: 1, fiDi: 0x96 }))).toBe('FF119678');
    expect(hex(encodePps({ protocol: 0, fiDi: undefined }))).toBe('FF00FF');
    expect(decodePps(fromHex('FF119678'))).toEqual({ ok: true, value: { protocol: 1, fiDi: 0x96 } });
    expect(decodePps(fromHex('FF119679')).ok).toBe(false);
  });
});

describe('configuration descriptor', () => {
  it('finds a class descriptor placed after the endpoints (O2Micro OZ776 layout)', () => {
    const cls = new Uint8Array(54);
    cls[0] = 54;
    cls[1] = 0x21;
    const bytes = fromHex('09 02 56 00 01 01 00 80 32' + '09 04 00 00 02 0B 00 00 00' + '07 05 01 02 40 00 00' + '07 05 82 02 40 00 00' + hex(cls));
    const d = parseConfigurationDescriptor(bytes);
    expect(d.ok && d.value.interfaces[0]?.extra[0]?.length).toBe(54);
    expect(d.ok && d.value.interfaces[0]?.endpoints.map((e) => `${e.direction}${e.number}`)).toEqual(['out1', 'in2']);
  });
  it('round-trips and refuses overruns', () => {
    const cfg = { value: 1, attributes: 0x80, maxPower: 50, interfaces: [] };
    expect(parseConfigurationDescriptor(buildConfigurationDescriptor(cfg))).toEqual({ ok: true, value: cfg });
    expect(parseConfigurationDescriptor(fromHex('09 02 20 00 01 01 00 80 32')).ok).toBe(false);
    expect(parseConfigurationDescriptor(fromHex('09 02 0C 00 01 01 00 80 32 05 04 00')).ok).toBe(false);
  });
});
