import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadSimCard, type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import { encodeCommand } from '../../src/protocol/apdu.ts';
import { concat, equal } from '../../src/protocol/bytes.ts';
import { INS } from '../../src/protocol/commands/index.ts';
import { looseApdu, runBackup, verify } from './helpers.ts';
import { pokeApp } from './poke-app.ts';

/** Answers that may change the card: success, more data, and a spent PIN try. */
const mayChange = (sw: number) => sw === 0x9000 || sw === 0x6310 || sw >>> 8 === 0x61 || (sw & 0xfff0) === 0x63c0;

function freshCard(): SimCard {
  const c = createTestCard({ memorySize: 8192, pageSize: 256, seed: 'prop', apps: [pokeApp('A0000009990299', 2048)] });
  c.powerOn();
  verify(c);
  return c;
}

function checkOne(card: SimCard, apdu: Uint8Array): void {
  const before = card.save();
  const r = card.transmit(apdu);
  expect(r.length).toBeGreaterThanOrEqual(2);
  const sw = ((r[r.length - 2] as number) << 8) | (r[r.length - 1] as number);
  if (!mayChange(sw)) expect(equal(card.save(), before), `SW ${sw.toString(16)} changed the card`).toBe(true);
}

const base = freshCard();
const full = runBackup(base, 'full');
const saved = base.save();

const insCodes = [...Object.values(INS), 0x50, 0x52, 0x00, 0xff];
const validLooking = fc
  .record({
    cla: fc.constantFrom(0x00, 0x80, 0x90, 0x10, 0x84, 0xff),
    ins: fc.constantFrom(...insCodes),
    p1: fc.oneof(fc.constantFrom(0, 1, 2, 4), fc.integer({ min: 0, max: 255 })),
    p2: fc.oneof(fc.constantFrom(0, 1, 2, 0x81, 0x0c), fc.integer({ min: 0, max: 255 })),
    data: fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.constant(concat(full.wrappedKeyBytes, full.headerBytes)),
      fc.tuple(fc.integer({ min: 0, max: 205 * 8 - 1 })).map(([bit]) => {
        const b = concat(full.wrappedKeyBytes, full.headerBytes);
        b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
        return b;
      }),
      fc.constant(full.hash),
      fc.constant(new TextEncoder().encode('1234')),
      fc.constant(Uint8Array.of(0xa0, 0, 0, 9, 0x99, 2, 0x99)),
    ),
    ne: fc.constantFrom(0, 1, 256, 1024, 65536),
  })
  .map(looseApdu);

describe('the card answers every byte string with a status word, and a refusal changes nothing', () => {
  it('random bytes', () => {
    const card = freshCard();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (apdu) => checkOne(card, apdu)), { numRuns: 2000 });
  });
  it('random sequences of valid-looking commands', () => {
    fc.assert(
      fc.property(fc.array(validLooking, { minLength: 1, maxLength: 25 }), (apdus) => {
        const card = loadSimCard(saved, { apps: [pokeApp('A0000009990299', 2048)], seed: 'p' });
        card.powerOn();
        card.transmit(encodeCommand({ cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: new TextEncoder().encode('1234'), ne: 0 }));
        for (const apdu of apdus) checkOne(card, apdu);
      }),
      { numRuns: 300 },
    );
  });
});
