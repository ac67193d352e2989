import { describe, expect, it } from 'vitest';
import { cutPowerAt, DEMO_ISSUER, loadSimCard, PowerLoss, type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import { equal, fromHex } from '../../src/protocol/bytes.ts';
import { keyExport, keyImport, select, signKeyImportAuthorisation } from '../../src/protocol/commands/index.ts';
import { pokeCommand, raw, restorable, runBackup, runRestore, send, verify } from './helpers.ts';
import { pokeApp } from './poke-app.ts';

const AID = fromHex('A0000009990299');
const apps = [pokeApp('A0000009990299', 4096)];
const small = { memorySize: 8192, pageSize: 256, apps };

function card(cardNumber: string): SimCard {
  const c = createTestCard({ ...small, cardNumber, seed: cardNumber });
  c.powerOn();
  verify(c);
  return c;
}

describe('KEY EXPORT / KEY IMPORT (claim 8)', () => {
  it('a card that imported the source key restores its backups without a per-point authorisation', () => {
    const a = card('4900000000000001');
    send(a, select.getApdu(AID));
    send(a, pokeCommand(0, new Uint8Array(100).fill(8)));
    const exported = keyExport.parseResponse(raw(send(a, keyExport.getApdu())));
    expect(exported.wrappedKey.cardNumber).toBe('4900000000000001');
    const full = runBackup(a, 'full');
    const b = card('4900000000000002');
    expect(runRestore(b, full, [full], { target: 'other' })).toBe(0x6982);
    const auth = (target: string) =>
      signKeyImportAuthorisation(DEMO_ISSUER.secretKey, { issuer: DEMO_ISSUER.issuer, epoch: 1, sourceCard: '4900000000000001', targetCard: target, wrappedKeyBytes: exported.bytes });
    expect(send(b, keyImport.getApdu(exported.bytes, auth('4900000000000009'))).sw).toBe(0x6a88);
    const forged = auth('4900000000000002').slice();
    forged[100] = (forged[100] as number) ^ 1;
    expect(send(b, keyImport.getApdu(exported.bytes, forged)).sw).toBe(0x6982);
    expect(send(b, keyImport.getApdu(exported.bytes, auth('4900000000000002'))).sw).toBe(0x9000);
    expect(b.inspect().adoptedKeyOf).toBe('4900000000000001');
    expect(runRestore(b, full, [full], { target: 'other' })).toBe(0x9000);
    expect(restorable(b)).toEqual(restorable(a));
  });
  it('needs the PIN', () => {
    const c = createTestCard({ ...small, seed: 'z' });
    expect(send(c, keyExport.getApdu()).sw).toBe(0x6982);
  });
});

describe('power cut during a restore commit (sampled here; every index in the tearing suite)', () => {
  it('ends in the new state, or in the old memory with restore pending until a restore completes', () => {
    const a = card('4900000000000001');
    send(a, select.getApdu(AID));
    send(a, pokeCommand(0, new Uint8Array(3000).fill(1)));
    const full = runBackup(a, 'full');
    const target = restorable(a);
    send(a, select.getApdu(AID));
    send(a, pokeCommand(0, new Uint8Array(3000).fill(2)));
    const before = a.save();
    const old = restorable(a);
    // Count the writes of an undisturbed restore.
    const probe = loadSimCard(before, { apps });
    probe.powerOn();
    verify(probe);
    const w0 = probe.inspect().writeCount;
    expect(runRestore(probe, full, [full])).toBe(0x9000);
    const writes = probe.inspect().writeCount - w0;
    let pending = 0;
    let done = 0;
    let untouched = 0;
    for (let n = 0; n < writes; n += n < 200 ? 7 : 211) {
      let cut = false;
      const c = loadSimCard(before, { apps, fault: { beforeWrite: (i) => { if (cut && i === startAt + n) { cut = false; throw new PowerLoss(i); } } } });
      c.powerOn();
      verify(c);
      const startAt = c.inspect().writeCount;
      cut = true;
      expect(() => runRestore(c, full, [full])).toThrow(PowerLoss);
      c.powerOn();
      const v = c.inspect();
      if (v.restorePending) {
        pending++;
        expect(restorable(c)).toEqual(old);
        send(c, select.getApdu(AID));
        expect(send(c, pokeCommand(0, Uint8Array.of(1))).sw).toBe(0x6985);
        verify(c);
        expect(runRestore(c, full, [full])).toBe(0x9000);
        expect(restorable(c)).toEqual(target);
      } else if (equal(restorable(c), old)) {
        untouched++; // cut before "restore pending" was committed: the old state
      } else {
        done++;
        expect(restorable(c)).toEqual(target);
      }
      expect(c.inspect().restorePending).toBe(false);
    }
    expect(pending).toBeGreaterThan(0);
    expect(done).toBeGreaterThan(0);
    expect(untouched).toBeGreaterThan(0);
  });
  it('cutPowerAt cuts once at the given byte write', () => {
    const f = cutPowerAt(2);
    expect(() => f.beforeWrite(1, 0)).not.toThrow();
    expect(() => f.beforeWrite(2, 0)).toThrow(PowerLoss);
    expect(() => f.beforeWrite(2, 0)).not.toThrow();
  });
});

describe('restore-executed flags (fig. 18 174, fig. 19 181)', () => {
  it('a full or compacted restore flags every application; a diff step only those whose area it wrote', () => {
    const two = [pokeApp('A0000009990298', 2048), pokeApp('A0000009990299', 2048)];
    const c = createTestCard({ memorySize: 8192, pageSize: 256, apps: two, seed: 'flags' });
    c.powerOn();
    verify(c);
    const full = runBackup(c, 'full');
    send(c, select.getApdu(AID));
    send(c, pokeCommand(10, Uint8Array.of(1, 2, 3)));
    const diff = runBackup(c, 'diff');
    const flags = () => c.inspect().apTable.map((e) => e.restoreExecuted);
    expect(flags()).toEqual([false, false]);
    expect(runRestore(c, full, [full], { mode: 'replay' })).toBe(0x9000);
    expect(flags()).toEqual([true, true]);
    for (const aid of ['A0000009990298', 'A0000009990299']) {
      send(c, select.getApdu(fromHex(aid)));
      expect(send(c, { cla: 0x80, ins: 0x54, p1: 0, p2: 0, data: new Uint8Array(0), ne: 1 }).data).toEqual(Uint8Array.of(0));
    }
    expect(flags()).toEqual([false, false]);
    expect(runRestore(c, diff, [], { mode: 'replay' })).toBe(0x9000);
    expect(flags()).toEqual([false, true]);
  });
});
