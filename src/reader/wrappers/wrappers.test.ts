/** Each ISO wrapper on its own, over a scripted fake link (ISO/IEC 7816-4 §5). */
import { describe, expect, it } from 'vitest';
import { fromHex, hex } from '../../protocol/bytes.ts';
import type { Transport, TransportLimits } from '../../protocol/transport.ts';
import { withCommandChaining } from './chaining.ts';
import { withExtendedLength } from './extended-length.ts';
import { getResponseClass, withGetResponse } from './get-response.ts';
import { withLeReissue } from './le-reissue.ts';

const SHORT: TransportLimits = { maxCommandData: 255, maxResponseData: 256, extendedLength: false };

/** A link that answers from a script and records what it was sent. */
function scripted(answers: string[], limits = SHORT) {
  const sent: string[] = [];
  const t: Transport = {
    limits,
    async transmit(apdu) {
      sent.push(hex(apdu));
      const a = answers.shift();
      if (a === undefined) throw new Error('unexpected command');
      return fromHex(a);
    },
  };
  return { t, sent };
}

describe('withGetResponse (61xx)', () => {
  it('collects data across GET RESPONSE rounds, keeping the logical channel bits', async () => {
    const { t, sent } = scripted(['AAAA6102', 'BBBB6100', 'CC9000']);
    expect(hex(await withGetResponse(t).transmit(fromHex('01B0000000')))).toBe('AAAABBBBCC9000');
    expect(sent).toEqual(['01B0000000', '01C0000002', '01C0000000']);
  });
  it('passes other status words through', async () => {
    const { t } = scripted(['6A82']);
    expect(hex(await withGetResponse(t).transmit(fromHex('00A40000')))).toBe('6A82');
  });
});

describe('withLeReissue (6Cxx)', () => {
  it('re-sends once with Le = SW2', async () => {
    const { t, sent } = scripted(['6C08', '01020304050607089000']);
    expect(hex(await withLeReissue(t).transmit(fromHex('00CA000000')))).toBe('01020304050607089000');
    expect(sent).toEqual(['00CA000000', '00CA000008']);
  });
  it('6C00 means 256', async () => {
    const { sent, t } = scripted(['6C00', '9000']);
    await withLeReissue(t).transmit(fromHex('00CA000001'));
    expect(sent[1]).toBe('00CA000000');
  });
});

describe('withCommandChaining', () => {
  it('splits data over the link limit with CLA bit 0x10, Le on the last piece', async () => {
    const { t, sent } = scripted(['9000', '9000', 'AB9000'], { ...SHORT, maxCommandData: 4 });
    const r = await withCommandChaining(t).transmit(fromHex('00DA0000' + '0A' + '00112233445566778899' + '01'));
    expect(hex(r)).toBe('AB9000');
    expect(sent).toEqual(['10DA00000400112233', '10DA00000444556677', '00DA000002889901']);
  });
  it('stops at the first piece the card refuses', async () => {
    const { t, sent } = scripted(['6A80'], { ...SHORT, maxCommandData: 4 });
    expect(hex(await withCommandChaining(t).transmit(fromHex('00DA0000' + '05' + '0011223344')))).toBe('6A80');
    expect(sent).toHaveLength(1);
  });
});

describe('withExtendedLength', () => {
  it('on a short link, Ne > 256 becomes Le 00', async () => {
    const { t, sent } = scripted(['9000']);
    await withExtendedLength(t).transmit(fromHex('00B00000' + '000400'));
    expect(sent).toEqual(['00B0000000']);
  });
  it('on a short link, 300 data bytes go as 255 + 45 by chaining', async () => {
    const { t, sent } = scripted(['9000', '9000']);
    await withExtendedLength(t).transmit(fromHex('00D60000' + '00012C' + '11'.repeat(300)));
    expect(sent.map((s) => s.slice(0, 10))).toEqual(['10D60000FF', '00D600002D']);
  });
  it('on an extended link, untouched', async () => {
    const { t, sent } = scripted(['9000'], { maxCommandData: 65535, maxResponseData: 65536, extendedLength: true });
    await withExtendedLength(t).transmit(fromHex('00B00000' + '000400'));
    expect(sent).toEqual(['00B00000000400']);
  });
});

describe('GET RESPONSE class byte (ISO/IEC 7816-4 §5.4.1)', () => {
  it('keeps only the logical channel of the answered command', () => {
    expect(getResponseClass(0x00)).toBe(0x00);
    expect(getResponseClass(0x03)).toBe(0x03);
    expect(getResponseClass(0x0c)).toBe(0x00); // secure messaging bits dropped
    expect(getResponseClass(0x10)).toBe(0x00); // chaining dropped
    expect(getResponseClass(0x80)).toBe(0x00); // proprietary: 80 C0 would be another command
    expect(getResponseClass(0x91)).toBe(0x01);
    expect(getResponseClass(0x45)).toBe(0x45); // further interindustry, channel 9
    expect(getResponseClass(0x75)).toBe(0x45);
  });
});
