import { describe, expect, it } from 'vitest';
import { Eeprom } from './eeprom.ts';
import { cutPowerAt, PowerLoss } from './fault.ts';

const J = 64;
const make = (bytes: Uint8Array, n?: number) => new Eeprom(bytes, J, 256, n === undefined ? undefined : cutPowerAt(n));
const group = (e: Eeprom) =>
  e.atomic(() => {
    e.write(0, new Uint8Array(8).fill(1));
    e.write(20, new Uint8Array(4).fill(2));
    e.write(4, new Uint8Array(8).fill(3)); // overlaps the first write: the later one wins
  });

describe('Eeprom: the single write path', () => {
  it('reads inside a group see the group; a throw discards it', () => {
    const e = make(new Uint8Array(J + 256));
    e.atomic(() => {
      e.write(0, Uint8Array.of(9));
      expect(e.read(0, 1)[0]).toBe(9);
    });
    expect(() =>
      e.atomic(() => {
        e.write(1, Uint8Array.of(7));
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect([...e.read(0, 2)]).toEqual([9, 0]);
  });
  it('counts every byte it programs', () => {
    const e = make(new Uint8Array(J + 256));
    group(e);
    // journal: 3 entries (8+8, 8+4, 8+8) + count 4 + flag 1; targets 20; flag 1
    expect(e.writeCount).toBe(44 + 4 + 1 + 20 + 1);
  });
  it('a power cut at every byte write leaves the group wholly old or wholly new after recovery', () => {
    const done = make(new Uint8Array(J + 256));
    group(done);
    const newState = done.bytes.slice(0, J);
    let oldCount = 0;
    let newCount = 0;
    for (let n = 0; n < done.writeCount; n++) {
      const bytes = new Uint8Array(J + 256);
      const e = make(bytes, n);
      expect(() => group(e)).toThrow(PowerLoss);
      expect(e.powerLost).toBe(true);
      const after = make(bytes); // power on again, no fault
      after.recover();
      const mem = bytes.slice(0, J);
      if (mem.every((b) => b === 0)) oldCount++;
      else {
        expect(mem).toEqual(newState);
        newCount++;
      }
    }
    expect(oldCount + newCount).toBe(done.writeCount);
    expect(oldCount).toBeGreaterThan(0);
    expect(newCount).toBeGreaterThan(0);
  });
  it('a cut during recovery is recovered again', () => {
    const bytes = new Uint8Array(J + 256);
    const e = make(bytes, 60); // after the commit flag (at 48), while applying
    expect(() => group(e)).toThrow(PowerLoss);
    const r1 = new Eeprom(bytes, J, 256, cutPowerAt(5));
    expect(() => r1.recover()).toThrow(PowerLoss);
    const r2 = make(bytes);
    r2.recover();
    const ref = make(new Uint8Array(J + 256));
    group(ref);
    expect(bytes.slice(0, J)).toEqual(ref.bytes.slice(0, J));
  });
  it('refuses writes outside memory', () => expect(() => make(new Uint8Array(J + 256)).write(J - 1, Uint8Array.of(1, 2))).toThrow(RangeError));
});
