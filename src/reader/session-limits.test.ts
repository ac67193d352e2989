import { describe, expect, it } from 'vitest';
import { parseAtr } from '../protocol/atr.ts';
import { apduLimits, EXTENDED_LIMITS, SHORT_LIMITS, type ReaderPath } from './session-limits.ts';

const ccid = (level: 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu'): ReaderPath => ({ kind: 'ccid', level });
const pcsc: ReaderPath = { kind: 'pcsc' };

describe('APDU limits: one decision for every reader path', () => {
  it('extended only when the card says so and the path carries it', () => {
    const says = { protocol: 1, extendedLength: true };
    expect(apduLimits(says, ccid('extended-apdu'))).toEqual(EXTENDED_LIMITS);
    expect(apduLimits(says, ccid('tpdu'))).toEqual(EXTENDED_LIMITS);
    expect(apduLimits(says, ccid('character'))).toEqual(EXTENDED_LIMITS);
    expect(apduLimits(says, pcsc)).toEqual(EXTENDED_LIMITS);
    expect(apduLimits(says, ccid('short-apdu'))).toEqual(SHORT_LIMITS);
  });
  it('a card whose ATR is silent or says no gets short APDUs on every path (the CCID and bridge paths used to disagree)', () => {
    for (const extendedLength of [undefined, false]) {
      for (const path of [ccid('extended-apdu'), ccid('tpdu'), pcsc]) expect(apduLimits({ protocol: 1, extendedLength }, path)).toEqual(SHORT_LIMITS);
    }
  });
  it('T=0 carries short APDUs, except through a reader that exchanges whole extended APDUs itself', () => {
    expect(apduLimits({ protocol: 0, extendedLength: true }, ccid('tpdu'))).toEqual(SHORT_LIMITS);
    expect(apduLimits({ protocol: 0, extendedLength: true }, pcsc)).toEqual(SHORT_LIMITS);
    expect(apduLimits({ protocol: 0, extendedLength: true }, ccid('extended-apdu'))).toEqual(EXTENDED_LIMITS);
  });
  it('reads what the ATR says (card capabilities, third byte b7)', () => {
    // 3B 8C 81 31 FE 45 | 80 73 80 01 xx ... : T=1, historical bytes with card capabilities.
    const atrWith = (third: number) => {
      const historical = [0x80, 0x73, 0x80, 0x01, third];
      const body = [0x80 | historical.length, 0x81, 0x31, 0xfe, 0x45, ...historical];
      return Uint8Array.of(0x3b, ...body, body.reduce((x, b) => x ^ b, 0));
    };
    for (const ext of [true, false]) {
      const atr = parseAtr(atrWith(0x80 | (ext ? 0x40 : 0)));
      if (!atr.ok) throw new Error('demo ATR does not parse');
      expect(apduLimits({ protocol: 1, extendedLength: atr.value.history.extendedLength }, pcsc).extendedLength).toBe(ext);
    }
  });
});
