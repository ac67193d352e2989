/** The applications without value: credit account, ID data, medical records. */
import { describe, expect, it } from 'vitest';
import { command } from '../../src/protocol/apdu.ts';
import { concat, u16be } from '../../src/protocol/bytes.ts';
import { CardError } from '../../src/protocol/commands/card-error.ts';
import { creditApp, demoSeed, identityApp, medicalApp, MEDICAL_CAPACITY } from '../../src/card-sim/apps/index.ts';
import { creditRead, creditUpdate } from '../../src/protocol/commands/apps/credit.ts';
import { idRead, idUpdate, type IdField } from '../../src/protocol/commands/apps/identity.ts';
import { medicalAppendRecord, medicalCount, medicalReadRecord } from '../../src/protocol/commands/apps/medical.ts';
import { decodeBitmap } from '../../src/protocol/commands/apps/photo.ts';
import { SW } from '../../src/protocol/status-words.ts';
import { installed, type TestContext } from './context.ts';
import { NOW, send } from './send.ts';

describe('credit application', () => {
  it('READ needs the PIN (6982, issue 10), then answers the seeded account', () => {
    const ctx = installed(creditApp);
    expect(send(creditApp, ctx, creditRead.getApdu()).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    ctx.pin = true;
    expect(creditRead.parseResponse(send(creditApp, ctx, creditRead.getApdu()).bytes)).toEqual({
      holder: 'HANAKO YAMADA',
      pan: '498765******4321',
      expiry: { year: 2029, month: 8 },
      limit: 500_000,
      brand: 'ICV CARD',
    });
  });

  it('UPDATE needs the PIN, then changes one field', () => {
    const ctx = installed(creditApp);
    expect(() => creditUpdate.parseResponse(send(creditApp, ctx, creditUpdate.getApdu('limit', 800_000)).bytes)).toThrow(CardError);
    ctx.pin = true;
    creditUpdate.parseResponse(send(creditApp, ctx, creditUpdate.getApdu('holder', 'TARO YAMADA')).bytes);
    const account = creditRead.parseResponse(send(creditApp, ctx, creditRead.getApdu()).bytes);
    expect(account.holder).toBe('TARO YAMADA');
    expect(account.pan).toBe('498765******4321');
  });

  it.each([
    ['an unmasked card number', command(0x80, 0x42, 0x02, 0, new TextEncoder().encode('4987650000004321')), SW.WRONG_DATA],
    ['month 13', command(0x80, 0x42, 0x03, 0, Uint8Array.of(0x07, 0xe9, 13)), SW.WRONG_DATA],
    ['an unknown field', command(0x80, 0x42, 0x09, 0, Uint8Array.of(1)), SW.INCORRECT_P1P2],
    ['a holder longer than 26', command(0x80, 0x42, 0x01, 0, new Uint8Array(27).fill(0x41)), SW.WRONG_LENGTH],
  ])('refuses %s and changes nothing', (_n, cmd, sw) => {
    const ctx = installed(creditApp);
    ctx.pin = true;
    const before = ctx.snapshot();
    expect(send(creditApp, ctx, cmd).sw).toBe(sw);
    expect(ctx.snapshot()).toBe(before);
  });
});

function readWhole(ctx: TestContext, field: IdField, max = 254): Uint8Array {
  const parts: Uint8Array[] = [];
  let got = 0;
  for (;;) {
    const { total, chunk } = idRead.parseResponse(send(identityApp, ctx, idRead.getApdu(field, got, max)).bytes);
    parts.push(chunk);
    got += chunk.length;
    if (got >= total) return concat(...parts);
  }
}

describe('ID application', () => {
  it('READ FIELD needs the PIN (6982, issue 10) for every field', () => {
    const ctx = installed(identityApp);
    for (const f of ['name', 'birth', 'address', 'photo'] as const) expect(send(identityApp, ctx, idRead.getApdu(f, 0, 100)).sw, f).toBe(SW.SECURITY_NOT_SATISFIED);
  });

  it('reads name, birth date and the ~1 KiB photo in chunks', () => {
    const ctx = installed(identityApp);
    ctx.pin = true;
    expect(new TextDecoder().decode(readWhole(ctx, 'name'))).toBe('山田 花子');
    expect(readWhole(ctx, 'birth')).toEqual(Uint8Array.of(0x07, 0xc1, 4, 12));
    const photo = readWhole(ctx, 'photo');
    expect(photo).toEqual(demoSeed['id.photo']);
    expect(photo.length).toBeGreaterThan(900);
    const bm = decodeBitmap(photo);
    expect(bm.ok && bm.value.width * bm.value.height).toBe(80 * 96);
  });

  it('a chunk never exceeds Ne - 2', () => {
    const ctx = installed(identityApp);
    ctx.pin = true;
    const r = idRead.parseResponse(send(identityApp, ctx, idRead.getApdu('photo', 0, 100)).bytes);
    expect(r.chunk.length).toBe(100);
    expect(r.total).toBe((demoSeed['id.photo'] as Uint8Array).length);
  });

  it('writes a new photo in chunks (PIN) and reads it back byte for byte', () => {
    const ctx = installed(identityApp);
    ctx.pin = true;
    const photo = Uint8Array.from({ length: 1100 }, (_, i) => (i * 7) & 0xff);
    for (const c of idUpdate.chunks('photo', photo)) idUpdate.parseResponse(send(identityApp, ctx, c).bytes);
    expect(readWhole(ctx, 'photo')).toEqual(photo);
  });

  it.each([
    ['no PIN', false, idUpdate.getApdu('name', 0, new TextEncoder().encode('X')), SW.SECURITY_NOT_SATISFIED],
    ['a hole (offset past the end)', true, idUpdate.getApdu('name', 200, Uint8Array.of(0x41)), SW.WRONG_DATA],
    ['30 February', true, idUpdate.getApdu('birth', 0, Uint8Array.of(0x07, 0xc1, 2, 30)), SW.WRONG_DATA],
    ['bad UTF-8', true, idUpdate.getApdu('name', 0, Uint8Array.of(0xff, 0xfe)), SW.WRONG_DATA],
    ['past the photo capacity', true, idUpdate.getApdu('photo', 962, new Uint8Array(239)), SW.NOT_ENOUGH_MEMORY],
    ['an unknown field', true, command(0x80, 0x52, 0x07, 0, u16be(0)), SW.INCORRECT_P1P2],
    ['READ with a 1-byte offset', true, command(0x80, 0x50, 0x01, 0, Uint8Array.of(0), 256), SW.WRONG_LENGTH],
  ])('refuses %s and changes nothing', (_n, pin, cmd, sw) => {
    const ctx = installed(identityApp);
    ctx.pin = pin;
    const before = ctx.snapshot();
    expect(send(identityApp, ctx, cmd).sw).toBe(sw);
    expect(ctx.snapshot()).toBe(before);
  });
});

describe('medical application', () => {
  it('reads the seeded records in order; READ RECORD needs the PIN (6982, issue 10), COUNT does not', () => {
    const ctx = installed(medicalApp);
    expect(medicalCount.parseResponse(send(medicalApp, ctx, medicalCount.getApdu()).bytes)).toEqual({ count: 3, capacity: MEDICAL_CAPACITY });
    expect(send(medicalApp, ctx, medicalReadRecord.getApdu(1)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    ctx.pin = true;
    expect(medicalReadRecord.parseResponse(send(medicalApp, ctx, medicalReadRecord.getApdu(2)).bytes)).toEqual({
      date: Date.UTC(2023, 1, 14),
      code: 'Z88.0',
      note: 'Allergy: penicillin',
    });
    expect(send(medicalApp, ctx, medicalReadRecord.getApdu(4)).sw).toBe(SW.REFERENCE_NOT_FOUND);
    expect(send(medicalApp, ctx, medicalReadRecord.getApdu(0)).sw).toBe(SW.INCORRECT_P1P2);
  });

  it('APPEND needs the PIN, adds at the end, and refuses when full (6A84)', () => {
    const ctx = installed(medicalApp);
    const rec = { date: NOW, code: 'S52.5', note: '手首骨折 (wrist fracture)' };
    expect(send(medicalApp, ctx, medicalAppendRecord.getApdu(rec)).sw).toBe(SW.SECURITY_NOT_SATISFIED);
    ctx.pin = true;
    expect(medicalAppendRecord.parseResponse(send(medicalApp, ctx, medicalAppendRecord.getApdu(rec)).bytes)).toBe(4);
    expect(medicalReadRecord.parseResponse(send(medicalApp, ctx, medicalReadRecord.getApdu(4)).bytes)).toEqual(rec);
    for (let n = 5; n <= MEDICAL_CAPACITY; n++) send(medicalApp, ctx, medicalAppendRecord.getApdu(rec));
    const before = ctx.snapshot();
    expect(send(medicalApp, ctx, medicalAppendRecord.getApdu(rec)).sw).toBe(SW.NOT_ENOUGH_MEMORY);
    expect(ctx.snapshot()).toBe(before);
  });

  it('refuses a malformed record (6A80)', () => {
    const ctx = installed(medicalApp);
    ctx.pin = true;
    const bad = concat(new Uint8Array(8), Uint8Array.of(3), new TextEncoder().encode('abc'), Uint8Array.of(0));
    expect(send(medicalApp, ctx, command(0x80, 0x62, 0, 0, bad, 1)).sw).toBe(SW.WRONG_DATA);
  });
});
