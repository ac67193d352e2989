/** T=1 blocks (ISO/IEC 7816-3 §11.3) and the host/card engines against each other, with faults. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, hex } from './bytes.ts';
import { crc16, decodeT1Block, encodeT1Block, lrc } from './t1-block.ts';
import { T1Card } from './t1-card.ts';
import { T1Host } from './t1-host.ts';

describe('T=1 block codec', () => {
  it('I, R and S blocks byte-exact', () => {
    expect(hex(encodeT1Block({ kind: 'I', nad: 0, ns: 1, more: true, inf: fromHex('0102') }, 'lrc'))).toBe('006002010261');
    expect(hex(encodeT1Block({ kind: 'R', nad: 0, nr: 1, error: 1 }, 'lrc'))).toBe('00910091');
    expect(hex(encodeT1Block({ kind: 'S', nad: 0, response: true, type: 'WTX', inf: fromHex('02') }, 'lrc'))).toBe('00E30102E0');
  });
  it('CRC is CRC-16/MCRF4XX (reflected 0x8408, preset FFFF), high byte first', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x6f91);
    const b = encodeT1Block({ kind: 'I', nad: 0, ns: 0, more: false, inf: fromHex('AA') }, 'crc');
    expect(b.length).toBe(6);
    expect(decodeT1Block(b, 'crc').ok).toBe(true);
  });
  it('LRC is the XOR of all bytes', () => {
    expect(lrc(fromHex('00C101FE'))).toBe(0x3e);
  });
  it('refuses bad EDC, wrong LEN, reserved PCB values, S-blocks of the wrong size', () => {
    expect(decodeT1Block(fromHex('006002010264'), 'lrc').ok).toBe(false);
    expect(decodeT1Block(fromHex('0060030102'), 'lrc').ok).toBe(false);
    expect(decodeT1Block(fromHex('00830083'), 'lrc').ok).toBe(false);
    expect(decodeT1Block(fromHex('00C100C1'), 'lrc').ok).toBe(false);
  });
});

describe('T=1 host against T=1 card', () => {
  const echo = (apdu: Uint8Array) => Uint8Array.from([...apdu, 0x90, 0x00]);

  it('chains both ways for any size and IFSC/IFSD, with WTX', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 1200 }), fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 }), fc.boolean(), async (apdu, ifsc, ifsd, crc) => {
        const edc = crc ? 'crc' : 'lrc';
        const card = new T1Card(echo, { ifsc, edc, wtxFor: (a) => (a.length % 3 === 0 ? 2 : 0) });
        const host = new T1Host(async (b) => card.receive(b), { edc, ifsc });
        await host.negotiateIfsd(ifsd);
        expect(hex(await host.transceive(apdu))).toBe(hex(echo(apdu)));
        expect(hex(await host.transceive(apdu.subarray(0, 1)))).toBe(hex(echo(apdu.subarray(0, 1))));
      }),
      { numRuns: 150 },
    );
  });

  it('recovers from corrupted blocks in either direction (R-blocks, rule 7)', async () => {
    for (let corruptAt = 0; corruptAt < 30; corruptAt++) {
      for (const direction of ['to-card', 'to-host'] as const) {
        const card = new T1Card(echo, { ifsc: 16 });
        let n = 0;
        const host = new T1Host(
          async (b) => {
            const hit = n++ === corruptAt;
            const sent = hit && direction === 'to-card' ? Uint8Array.from(b, (v, i) => (i === b.length - 1 ? v ^ 0xff : v)) : b;
            const r = card.receive(sent);
            return hit && direction === 'to-host' ? Uint8Array.from(r, (v, i) => (i === r.length - 1 ? v ^ 0xff : v)) : r;
          },
          { edc: 'lrc', ifsc: 16 },
        );
        await host.negotiateIfsd(20);
        const apdu = Uint8Array.from({ length: 100 }, (_, i) => i);
        expect(hex(await host.transceive(apdu)), `${direction} at ${corruptAt}`).toBe(hex(echo(apdu)));
      }
    }
  });

  it('gives up with T1ProtocolError on a card that only answers garbage', async () => {
    const host = new T1Host(async () => fromHex('0000'), { edc: 'lrc', ifsc: 32 });
    await expect(host.transceive(fromHex('00A40000'))).rejects.toMatchObject({ code: 'T1_PROTOCOL' });
  });
});
