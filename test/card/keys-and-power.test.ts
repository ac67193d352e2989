import { describe, expect, it } from 'vitest';
import { cutPowerAt, loadSimCard, PowerLoss, type SimCard } from '../../src/card-sim/index.ts';
import { command } from '../../src/protocol/apdu.ts';
import { createTestCard } from '../../test/support/card.ts';
import { equal, fromHex } from '../../src/protocol/bytes.ts';
import { select } from '../../src/protocol/commands/index.ts';
import { authorise, pokeCommand, restorable, runBackup, runRestore, send, verify } from './helpers.ts';
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

describe('no key leaves a card, and no card adopts another\'s (claim 8 replaced, version 2)', () => {
  it('KEY EXPORT (D0) and KEY IMPORT (D2) are gone: 6D00, nothing written', () => {
    const a = card('4900000000000001');
    const before = a.save();
    expect(send(a, command(0x80, 0xd0, 0, 0, undefined, 256)).sw.toString(16)).toBe('6d00');
    expect(send(a, command(0x80, 0xd2, 0, 0, new Uint8Array(202))).sw.toString(16)).toBe('6d00');
    expect(equal(a.save(), before)).toBe(true);
  });
  it("another card restores A's backup only with the issuer's authorisation, and each authorisation once", () => {
    const a = card('4900000000000001');
    send(a, select.getApdu(AID));
    send(a, pokeCommand(0, new Uint8Array(100).fill(8)));
    const full = runBackup(a, 'full');
    const b = card('4900000000000002');
    expect(runRestore(b, full, [full], { target: 'other' })).toBe(0x6982);
    const once = authorise(full, b);
    expect(runRestore(b, full, [full], { target: 'other', authorisation: once })).toBe(0x9000);
    expect(restorable(b)).toEqual(restorable(a));
    expect(b.inspect().authorisationCounter).toBe(1);
    // The same authorisation again: replayed (its counter is spent), nothing written.
    const after = b.save();
    expect(runRestore(b, full, [full], { target: 'other', authorisation: once }).toString(16)).toBe('6984');
    expect(equal(b.save(), after)).toBe(true);
    // A new one (counter + 1) works.
    expect(runRestore(b, full, [full], { target: 'other', authorisation: authorise(full, b) })).toBe(0x9000);
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
