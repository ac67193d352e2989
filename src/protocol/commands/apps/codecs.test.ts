/** Byte-exact tests of the application command codecs (docs/protocol-apps.md). */
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../apdu.ts';
import { fromHex, hex } from '../../bytes.ts';
import { CardError } from '../card-error.ts';
import { creditRead, creditUpdate, decodeCreditAccount } from './credit.ts';
import { emoneyCredit, emoneyDebit, emoneyReadBalance, emoneyReadCounters, emoneyReadLog } from './emoney.ts';
import { APP_AID } from './ids.ts';
import { idRead, idUpdate } from './identity.ts';
import { decodeMedicalRecord, encodeMedicalRecord, medicalAppendRecord, medicalCount, medicalReadRecord } from './medical.ts';
import { membershipRead, membershipReadCounters, membershipRedeem } from './membership.ts';
import { decodeBitmap, encodeBitmap } from './photo.ts';
import { encodeCalendarDate, parseIsoDate } from './text.ts';
import { decodeLog, encodeLogEntry } from './value-log.ts';

const apdu = (c: Parameters<typeof encodeCommand>[0]) => hex(encodeCommand(c));
const DATE = 0x0194_6a3b_2c00; // 2025-01-15T...: fits 48 bits

describe('application AIDs', () => {
  it('are A00000099902 01..05', () => {
    expect(Object.values(APP_AID).map((a) => hex(a))).toEqual(['A0000009990201', 'A0000009990202', 'A0000009990203', 'A0000009990204', 'A0000009990205']);
  });
});

describe('e-money codecs (version 2)', () => {
  const token = fromHex('49435654' + '02' + 'AA'.repeat(92)); // bytes as given: the card decodes the token
  it('CREDIT: date u64 || load token, Le 04; DEBIT: amount u32 || date u64 || challenge, Le 00', () => {
    expect(apdu(emoneyCredit.getApdu(token, DATE))).toBe('80300000' + hex(Uint8Array.of(8 + token.length)) + '000001946A3B2C00' + hex(token) + '04');
    expect(apdu(emoneyDebit.getApdu(1, 0))).toBe('803200000C' + '00000001' + '0000000000000000' + '00');
    expect(apdu(emoneyDebit.getApdu(1, 0, fromHex('0102')))).toBe('803200000E' + '00000001' + '0000000000000000' + '0102' + '00');
    expect(() => emoneyDebit.getApdu(0, 0)).toThrow(RangeError);
    expect(() => emoneyDebit.getApdu(2 ** 32, 0)).toThrow(RangeError);
    expect(() => emoneyDebit.getApdu(1, 0, new Uint8Array(33))).toThrow(RangeError);
    expect(() => emoneyCredit.getApdu(token, 2 ** 53)).toThrow(RangeError);
  });
  it('READ BALANCE, READ LOG, READ COUNTERS', () => {
    expect(apdu(emoneyReadBalance.getApdu())).toBe('8034000004');
    expect(apdu(emoneyReadLog.getApdu())).toBe('8036000000');
    expect(apdu(emoneyReadCounters.getApdu())).toBe('803800000C');
    expect(emoneyReadCounters.parseResponse(fromHex('00000C80' + '00000002' + '00000007' + '9000'))).toEqual({ value: 3200, loadCounter: 2, spendCounter: 7 });
  });
  it('parses 9000 and errors; 6283 is no longer an answer (version 2 resets no value)', () => {
    expect(emoneyReadBalance.parseResponse(fromHex('00000C809000'))).toBe(3200);
    expect(emoneyCredit.parseResponse(fromHex('00000C809000'))).toBe(3200);
    expect(() => emoneyReadBalance.parseResponse(fromHex('000000006283'))).toThrow(CardError);
    expect(() => emoneyDebit.parseResponse(fromHex('6985'))).toThrow(expect.objectContaining({ code: 'CONDITIONS_NOT_SATISFIED', sw: 0x6985 }));
    expect(() => emoneyCredit.parseResponse(fromHex('6984'))).toThrow(expect.objectContaining({ sw: 0x6984 }));
    expect(() => emoneyDebit.parseResponse(fromHex('00009000'))).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
    expect(() => emoneyReadBalance.parseResponse(fromHex('0000009000'))).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
  });
  it('log entries: 17 bytes each, newest first', () => {
    const e = { date: DATE, kind: 'spend' as const, amount: 150, after: 3050 };
    expect(hex(encodeLogEntry(e))).toBe('00000194' + '6A3B2C00' + '12' + '00000096' + '00000BEA');
    const two = new Uint8Array([...encodeLogEntry(e), ...encodeLogEntry({ ...e, kind: 'restore', amount: 0, after: 3050 })]);
    expect(decodeLog(two)).toEqual({ ok: true, value: [e, { ...e, kind: 'restore', amount: 0, after: 3050 }] });
    expect(decodeLog(two.subarray(0, 16)).ok).toBe(false);
    const badKind = encodeLogEntry(e);
    badKind[8] = 3; // version 1's 'reset': never written by a version 2 card
    expect(decodeLog(badKind).ok).toBe(false);
  });
});

describe('membership codecs', () => {
  it('READ, ADD POINTS, REDEEM, READ COUNTERS', () => {
    expect(apdu(membershipRead.getApdu())).toBe('8070000015');
    expect(apdu(membershipRedeem.getApdu(256, 0))).toBe('807400000C' + '00000100' + '0000000000000000' + '00');
    expect(apdu(membershipReadCounters.getApdu())).toBe('807800000C');
    const info = fromHex('38303030313233343536373839303132' + '02' + '000004E2' + '9000');
    expect(membershipRead.parseResponse(info)).toEqual({ memberNumber: '8000123456789012', tier: 'gold', points: 1250 });
    expect(() => membershipRead.parseResponse(fromHex('38303030313233343536373839303132' + '07' + '000004E2' + '9000'))).toThrow(CardError);
  });
});

describe('credit codecs', () => {
  it('READ and UPDATE', () => {
    expect(apdu(creditRead.getApdu())).toBe('8040000000');
    expect(apdu(creditUpdate.getApdu('limit', 500_000))).toBe('804204000400' + '07A120');
    expect(apdu(creditUpdate.getApdu('expiry', { year: 2029, month: 8 }))).toBe('8042030003' + '07ED08');
    expect(() => creditUpdate.getApdu('pan', '4987650000004321')).toThrow(RangeError);
    expect(() => creditUpdate.getApdu('holder', 'hanako')).toThrow(RangeError);
  });
  it('decodes the account TLV and refuses a missing field', () => {
    const tlv = fromHex('0102' + '4142' + '020C' + hex(new TextEncoder().encode('4987****4321')) + '0303' + '07ED08' + '0404' + '00000064' + '0501' + '58');
    expect(decodeCreditAccount(tlv)).toEqual({ ok: true, value: { holder: 'AB', pan: '4987****4321', expiry: { year: 2029, month: 8 }, limit: 100, brand: 'X' } });
    expect(decodeCreditAccount(tlv.subarray(0, tlv.length - 3)).ok).toBe(false);
  });
});

describe('ID codecs', () => {
  it('READ FIELD: offset in the data, Le = chunk + 2', () => {
    expect(apdu(idRead.getApdu('photo', 0x01f4))).toBe('805004000201F400');
    expect(apdu(idRead.getApdu('name', 0, 62))).toBe('80500100020000' + '40');
    expect(idRead.parseResponse(fromHex('0003' + 'AABBCC' + '9000'))).toEqual({ total: 3, chunk: fromHex('AABBCC') });
    expect(() => idRead.parseResponse(fromHex('0001' + 'AABB' + '9000'))).toThrow(CardError);
  });
  it('UPDATE FIELD chunks a long value, 240 bytes each, the empty value as one command', () => {
    const cmds = idUpdate.chunks('photo', new Uint8Array(500));
    expect(cmds.map((c) => hex(encodeCommand(c)).slice(0, 14))).toEqual(['80520400F20000', '80520400F200F0', '805204001601E0']);
    expect(idUpdate.chunks('address', new Uint8Array(0)).map((c) => apdu(c))).toEqual(['80520300020000']);
  });
  it('calendar dates', () => {
    expect(hex(encodeCalendarDate({ year: 1985, month: 4, day: 12 }))).toBe('07C1040C');
    expect(() => encodeCalendarDate({ year: 2023, month: 2, day: 29 })).toThrow(RangeError);
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseIsoDate('2024-13-01')).toBeUndefined();
  });
  it('photo bitmap round trip, 1 bit a pixel, MSB first', () => {
    const bm = { width: 9, height: 2, pixels: [true, ...Array<boolean>(7).fill(false), true, ...Array<boolean>(9).fill(false)] };
    const b = encodeBitmap(bm);
    expect(hex(b)).toBe('0902' + '8080' + '0000');
    expect(decodeBitmap(b)).toEqual({ ok: true, value: bm });
    expect(decodeBitmap(b.subarray(0, 5)).ok).toBe(false);
  });
});

describe('medical codecs', () => {
  const rec = { date: DATE, code: 'J45.9', note: 'ok' };
  it('record bytes', () => {
    expect(hex(encodeMedicalRecord(rec))).toBe('000001946A3B2C00' + '05' + '4A34352E39' + '02' + '6F6B');
    expect(decodeMedicalRecord(encodeMedicalRecord(rec))).toEqual({ ok: true, value: rec });
    expect(() => encodeMedicalRecord({ ...rec, code: 'j45' })).toThrow(RangeError);
    expect(() => encodeMedicalRecord({ ...rec, note: 'x'.repeat(49) })).toThrow(RangeError);
    expect(decodeMedicalRecord(fromHex('000001946A3B2C00' + '05' + '4A34352E39' + '03' + '6F6B')).ok).toBe(false);
  });
  it('commands', () => {
    expect(apdu(medicalReadRecord.getApdu(1))).toBe('8060010000');
    expect(apdu(medicalCount.getApdu())).toBe('8064000002');
    expect(apdu(medicalAppendRecord.getApdu(rec))).toBe('8062000011' + hex(encodeMedicalRecord(rec)) + '01');
    expect(medicalAppendRecord.parseResponse(fromHex('049000'))).toBe(4);
    expect(medicalCount.parseResponse(fromHex('030F9000'))).toEqual({ count: 3, capacity: 15 });
  });
});
