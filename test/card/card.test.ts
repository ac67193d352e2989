import { describe, expect, it } from 'vitest';
import { loadSimCard } from '../../src/card-sim/index.ts';
import { createBlankTestCard, createTestCard, sendInitialise, testIssuer } from '../support/card.ts';
import { command, encodeCommand } from '../../src/protocol/apdu.ts';
import { concat, fromHex, hex } from '../../src/protocol/bytes.ts';
import {
  getApTable,
  getBackupStatus,
  getChangedPages,
  getIdentity,
  getMemoryLayout,
  getCardKeys,
  getPinStatus,
  select,
} from '../../src/protocol/commands/index.ts';
import { pokeCommand, raw, runBackup, runRestore, send, verify } from './helpers.ts';
import { pokeApp } from './poke-app.ts';

const AID = fromHex('A0000009990299');
const apps = [pokeApp('A0000009990299', 4096)];
const small = { memorySize: 8192, pageSize: 256, apps };

describe('power-on and identity', () => {
  it('answers a T=1 ATR with TCK, naming the card and its extended-length support', () => {
    for (const ext of [true, false]) {
      const atr = createTestCard({ ...small, extendedLength: ext }).powerOn();
      expect(atr[0]).toBe(0x3b);
      expect(atr.subarray(1).reduce((x, b) => x ^ b, 0)).toBe(0); // TCK makes T0..TCK XOR to 0
      expect(hex(atr)).toContain(hex(new TextEncoder().encode('ICVAULT')));
      expect(((atr[atr.length - 2] as number) & 0x40) !== 0).toBe(ext);
      expect(atr.length).toBeLessThanOrEqual(33);
    }
  });
  it("a blank card takes the issuer's personalisation once; GET DATA shows identity, layout, AP table, status, PIN", () => {
    const c = createBlankTestCard({ ...small, seed: 's' });
    c.powerOn();
    expect(getIdentity.parseResponse(raw(send(c, getIdentity.getApdu()))).initialised).toBe(false);
    expect(send(c, select.getApdu(AID)).sw).toBe(0x6a82);
    const keys = getCardKeys.parseResponse(raw(send(c, getCardKeys.getApdu())));
    const p = testIssuer().personalise({ cardNumber: '4900000000000042', cardSigningPublicKey: keys.signingPublicKey, cardKemPublicKey: keys.kemPublicKey, pin: '9999', puk: '87654321' });
    sendInitialise(c, p.personalisation);
    expect(() => sendInitialise(c, p.personalisation)).toThrow(/6985|conditions/i);
    expect(getIdentity.parseResponse(raw(send(c, getIdentity.getApdu())))).toEqual({ initialised: true, cardNumber: '4900000000000042', issuer: testIssuer().issuer, epoch: 1 });
    const layout = getMemoryLayout.parseResponse(raw(send(c, getMemoryLayout.getApdu())));
    // The version-2 identity block (465 bytes: keys, certificates) takes two 256-byte pages.
    expect(layout).toMatchObject({ memorySize: 8192, pageSize: 256, systemAreaSize: 768, identitySize: 512, apAreaSize: 7424, extendedLength: true });
    const table = getApTable.parseResponse(raw(send(c, getApTable.getApdu())));
    expect(table).toEqual([{ aid: AID, offset: 768, size: 4096, holdsValue: false, restoreExecuted: false }]);
    expect(getBackupStatus.parseResponse(raw(send(c, getBackupStatus.getApdu())))).toMatchObject({ counter: 0, currentPoint: 0, changedPages: 0, pageCount: 32 });
    expect(getPinStatus.parseResponse(raw(send(c, getPinStatus.getApdu())))).toEqual({ triesLeft: 3, maxTries: 3, verified: false });
    expect(c.inspect().changedPages).toEqual([]); // fig. 13, 123
    expect(send(c, command(0x80, 0xca, 1, 0x20, undefined, 256)).sw).toBe(0x6a88);
  });
  it('inspect() never shows keys, the PIN or the PUK', () => {
    const v = createTestCard({ ...small, seed: 'k' }).inspect();
    // identity.ts: unique key, signing and X25519 secrets, PIN, PUK and its tries at 54..176
    expect(v.memory.subarray(54, 177).every((b) => b === 0)).toBe(true);
    expect(v.memory.subarray(22, 54).some((b) => b !== 0)).toBe(true); // the root public key is not secret
    expect(hex(v.memory.subarray(6, 14))).toBe('4900000000000001');
  });
});

describe('save and load', () => {
  it('round-trips the whole state; RAM (PIN verified) is not kept', () => {
    const c = createTestCard({ ...small, seed: 'a' });
    c.powerOn();
    verify(c);
    const b = runBackup(c, 'full');
    const copy = loadSimCard(c.save(), { apps });
    expect(copy.inspect()).toEqual({ ...c.inspect(), pinVerified: false, writeCount: 0 });
    copy.powerOn();
    verify(copy);
    expect(runRestore(copy, b, [b])).toBe(0x9000);
    expect(() => loadSimCard(c.save().subarray(0, 100))).toThrow(/cannot load card/);
    expect(() => loadSimCard(new Uint8Array(10))).toThrow(/cannot load card/);
  });
});

describe('short-APDU cards: 61xx / GET RESPONSE and command chaining', () => {
  it('answers long data through GET RESPONSE and refuses extended APDUs', () => {
    const c = createTestCard({ ...small, extendedLength: false, seed: 'b' });
    c.powerOn();
    verify(c);
    // BACKUP answers 289 bytes (version 2): 256 now with 61 21, the last 33 by GET RESPONSE.
    const start = c.transmit(encodeCommand(command(0x80, 0xb0, 1, 0, new Uint8Array(8), 256)));
    expect([start.length, hex(start.subarray(-2))]).toEqual([258, '6121']);
    const rest = c.transmit(Uint8Array.of(0x00, 0xc0, 0, 0, 0x21));
    expect([rest.length, hex(rest.subarray(-2))]).toEqual([35, '9000']);
    // One transfer packs a 4 KiB response buffer: 14 records of 274 bytes + 7 = 3843 bytes.
    let r = c.transmit(Uint8Array.of(0x80, 0xb2, 0, 0, 0));
    const parts = [r.subarray(0, -2)];
    let calls = 1;
    while (r[r.length - 2] === 0x61) {
      expect(r.length).toBe(258);
      r = c.transmit(Uint8Array.of(0x00, 0xc0, 0, 0, r[r.length - 1] as number));
      parts.push(r.subarray(0, -2));
      calls++;
    }
    expect(hex(r.subarray(-2))).toBe('6310');
    expect(concat(...parts).length).toBe(3843);
    expect(calls).toBe(16);
  });
  it('a broken chain is 6883 and the partial data is dropped', () => {
    const c = createTestCard({ ...small, extendedLength: false, seed: 'c' });
    c.powerOn();
    expect(hex(c.transmit(encodeCommand(command(0x90, 0xc0, 0, 0, new Uint8Array(10)))))).toBe('9000');
    expect(hex(c.transmit(encodeCommand(command(0x80, 0xc2, 0, 0, new Uint8Array(10)))))).toBe('6883');
    expect(hex(c.transmit(encodeCommand(command(0x80, 0xca, 1, 1, undefined, 0x10000), 'extended')))).toBe('6700');
    expect(hex(c.transmit(Uint8Array.of(0x00, 0xc0, 0, 0, 0)))).toBe('6985');
  });
});

describe('GET DATA changed pages (fig. 4, 022)', () => {
  it('names the pages written since the last backup, and none after BACKUP COMPLETE', () => {
    const c = createTestCard({ ...small, seed: 'changed' });
    c.powerOn();
    verify(c);
    runBackup(c, 'full');
    const read = () => getChangedPages.parseResponse(raw(send(c, getChangedPages.getApdu())));
    expect(read()).toEqual([]);
    expect(send(c, select.getApdu(AID)).sw).toBe(0x9000);
    const area = c.inspect().apTable.find((a) => a.aid.toUpperCase() === hex(AID));
    if (!area) throw new Error('test app not in the AP table');
    const page = Math.floor((area.offset + 300) / 256);
    expect(send(c, pokeCommand(300, Uint8Array.of(1, 2, 3))).sw).toBe(0x9000);
    expect(send(c, select.getApdu(fromHex('A0000009990100'))).sw).toBe(0x9000);
    expect(read()).toEqual([page]);
    expect(getBackupStatus.parseResponse(raw(send(c, getBackupStatus.getApdu()))).changedPages).toBe(1);
    runBackup(c, 'diff');
    expect(read()).toEqual([]);
  });
});
