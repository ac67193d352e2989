import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeVpcdMessage, encodeVpcdControl, encodeVpcdFrame, VpcdFrameReader } from './vpcd.ts';

const h = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));

describe('vpcd framing (vsmartcard doc/api.rst)', () => {
  it('frames controls as 00 01 + one byte', () => {
    expect(encodeVpcdControl('off')).toEqual(h('000100'));
    expect(encodeVpcdControl('on')).toEqual(h('000101'));
    expect(encodeVpcdControl('reset')).toEqual(h('000102'));
    expect(encodeVpcdControl('atr')).toEqual(h('000104'));
  });

  it('frames payloads with a big-endian length at the edges 0, 1, 255, 256, 65535', () => {
    expect(encodeVpcdFrame(new Uint8Array(0))).toEqual(h('0000'));
    expect(encodeVpcdFrame(h('90'))).toEqual(h('000190'));
    expect(encodeVpcdFrame(h('9000'))).toEqual(h('00029000'));
    const f255 = encodeVpcdFrame(new Uint8Array(255).fill(7));
    expect(f255.subarray(0, 3)).toEqual(h('00ff07'));
    expect(f255.length).toBe(257);
    expect(encodeVpcdFrame(new Uint8Array(256)).subarray(0, 2)).toEqual(h('0100'));
    const max = encodeVpcdFrame(new Uint8Array(65535));
    expect(max.subarray(0, 2)).toEqual(h('ffff'));
    expect(max.length).toBe(65537);
    expect(() => encodeVpcdFrame(new Uint8Array(65536))).toThrow(RangeError);
  });

  it('decodes a 1-byte payload as a control, a longer one as an APDU', () => {
    expect(decodeVpcdMessage(h('00'))).toEqual({ ok: true, value: { kind: 'control', control: 'off' } });
    expect(decodeVpcdMessage(h('01'))).toEqual({ ok: true, value: { kind: 'control', control: 'on' } });
    expect(decodeVpcdMessage(h('02'))).toEqual({ ok: true, value: { kind: 'control', control: 'reset' } });
    expect(decodeVpcdMessage(h('04'))).toEqual({ ok: true, value: { kind: 'control', control: 'atr' } });
    expect(decodeVpcdMessage(h('00a4040007a0000009990100'))).toEqual({ ok: true, value: { kind: 'apdu', apdu: h('00a4040007a0000009990100') } });
    expect(decodeVpcdMessage(h('0000'))).toEqual({ ok: true, value: { kind: 'apdu', apdu: h('0000') } });
  });

  it('refuses an empty payload and unknown controls, naming them', () => {
    const e = decodeVpcdMessage(new Uint8Array(0));
    expect(e.ok).toBe(false);
    expect(e.ok ? '' : e.error.message).toMatch(/empty/);
    for (const b of [0x03, 0x05, 0xff]) {
      const r = decodeVpcdMessage(Uint8Array.of(b));
      expect(r.ok ? '' : r.error.message).toContain(`0x${b.toString(16).padStart(2, '0')}`);
    }
  });

  it('reassembles frames split at every byte and joined in one chunk', () => {
    const stream = h('000104' + '000c00a4040007a0000009990100' + '0000' + '000100');
    const whole = new VpcdFrameReader().push(stream);
    expect(whole).toEqual([h('04'), h('00a4040007a0000009990100'), new Uint8Array(0), h('00')]);
    const r = new VpcdFrameReader();
    const got: Uint8Array[] = [];
    for (const b of stream) got.push(...r.push(Uint8Array.of(b)));
    expect(got).toEqual(whole);
    expect(r.pending).toBe(0);
  });

  it('keeps a truncated frame pending until the rest arrives', () => {
    const r = new VpcdFrameReader();
    expect(r.push(h('01'))).toEqual([]);
    expect(r.pending).toBe(1);
    expect(r.push(h('00' + '11'.repeat(255)))).toEqual([]);
    expect(r.pending).toBe(257);
    expect(r.push(h('22'))).toEqual([h('11'.repeat(255) + '22')]);
    expect(r.pending).toBe(0);
  });

  it('round-trips any sequence of payloads cut anywhere (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (payloads, cuts) => {
        const stream = Uint8Array.from(payloads.flatMap((p) => Array.from(encodeVpcdFrame(p))));
        const points = [...new Set(cuts.map((c) => (stream.length ? c % stream.length : 0)))].sort((a, b) => a - b);
        const r = new VpcdFrameReader();
        const got: Uint8Array[] = [];
        let at = 0;
        for (const p of [...points, stream.length]) {
          got.push(...r.push(stream.subarray(at, p)));
          at = p;
        }
        expect(got).toEqual(payloads);
        expect(r.pending).toBe(0);
      }),
    );
  });
});
