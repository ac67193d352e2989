/**
 * Random APDUs against every state a card can be in (issue 10, "20,000+ random APDUs per
 * card state"): a blank card (manufactured, not personalised), a personalised card with
 * and without the PIN, a blocked PIN, an open backup session, an open restore session,
 * and a card whose restore was cut by a power loss (memory locked until it is finished).
 *
 * Each APDU is sent to the card in its state; after every answer:
 *   - the answer ends in a status word;
 *   - a refusal (any status but success, more data and a spent PIN try) leaves the EEPROM
 *     byte for byte as it was;
 *   - a blank card answers success only to what a blank card offers (SELECT, GET DATA of
 *     its public keys, GET RESPONSE), and never becomes personalised: no random bytes are
 *     the issuer's signed personalisation;
 *   - a card whose memory is locked (restore pending) answers no application command.
 * After an answer that may have changed the card, the state is entered again, so every
 * APDU meets the state it is counted for. The generator is seeded: a failure names its APDU.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cutPowerAt, loadSimCard, PowerLoss, type SimCard } from '../../src/card-sim/index.ts';
import { concat, equal, hex } from '../../src/protocol/bytes.ts';
import { backup, getCardKeys, INS, restore, restoreComplete, restoreTransfer } from '../../src/protocol/commands/index.ts';
import { createBlankTestCard, createTestCard, testIssuer } from '../support/card.ts';
import { authorise, commandRoom, looseApdu, packRecords, pointRecords, raw, runBackup, send, verify, type StoredBackup } from './helpers.ts';

const PER_STATE = 20_000;
const mayChange = (sw: number) => sw === 0x9000 || sw === 0x6310 || sw >>> 8 === 0x61 || (sw & 0xfff0) === 0x63c0;
const APPS = { memorySize: 8192, pageSize: 256 };

// One personalised card's history, for the data the generator draws from.
const source = createTestCard({ ...APPS, seed: 'fuzz source' });
source.powerOn();
verify(source);
const full = runBackup(source, 'full');
const diff = runBackup(source, 'diff');
const prefix = (b: StoredBackup) => concat(b.wrappedKeyBytes, b.headerBytes, b.headerSignature);
// A genuine personalisation, but for another blank card's keys (6A88 on any other card).
const otherBlank = createBlankTestCard({ ...APPS, seed: 'fuzz other blank' });
otherBlank.powerOn();
const otherKeys = getCardKeys.parseResponse(raw(send(otherBlank, getCardKeys.getApdu())));
const otherPersonalisation = testIssuer().personalise({
  cardNumber: '4900000000000777',
  cardSigningPublicKey: otherKeys.signingPublicKey,
  cardKemPublicKey: otherKeys.kemPublicKey,
  pin: '1234',
  puk: '12345678',
}).personalisation;

const flipOne = (b: Uint8Array, bit: number) => {
  const c = b.slice();
  c[(bit >> 3) % c.length] = (c[(bit >> 3) % c.length] as number) ^ (1 << (bit & 7));
  return c;
};

const insCodes = [...Object.values(INS), 0x00, 0x50, 0x52, 0xff];
const data = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(prefix(full)),
  fc.integer({ min: 0, max: 289 * 8 - 1 }).map((bit) => flipOne(prefix(diff), bit)),
  fc.constant(concat(prefix(diff), authorise(diff, '4900000000000002'))),
  fc.constant(otherPersonalisation),
  fc.integer({ min: 0, max: otherPersonalisation.length * 8 - 1 }).map((bit) => flipOne(otherPersonalisation, bit)),
  fc.constant(full.hash),
  fc.constant(new TextEncoder().encode('1234')),
  fc.constant(new TextEncoder().encode('12345678' + '4321')),
  fc.constant(Uint8Array.of(0x01, 0x08)),
);
const validLooking = fc
  .record({
    cla: fc.constantFrom(0x00, 0x80, 0x90, 0x10, 0x84, 0xff),
    ins: fc.constantFrom(...insCodes),
    p1: fc.oneof(fc.constantFrom(0, 1, 2, 4), fc.integer({ min: 0, max: 255 })),
    p2: fc.oneof(fc.constantFrom(0, 1, 2, 8, 9, 0x0a, 0x0b, 0x81, 0x0c), fc.integer({ min: 0, max: 255 })),
    data,
    ne: fc.constantFrom(0, 1, 256, 1024, 65536),
  })
  .map(looseApdu);
const apdus = (seed: number): Uint8Array[] => fc.sample(fc.oneof({ weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) }, { weight: 3, arbitrary: validLooking }), { numRuns: PER_STATE, seed });

/** VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER (CLA 00, any chaining). */
const pinCommand = (apdu: Uint8Array) => ((apdu[0] ?? 0) & 0xef) === 0 && [INS.VERIFY, INS.CHANGE_REFERENCE_DATA, INS.RESET_RETRY_COUNTER].includes((apdu[1] ?? 0) as 0x20);
/** Everything a card keeps across a power loss but its PIN and PUK try counters (sessions are RAM: a PIN command may end them). */
function settled(card: SimCard): unknown {
  const { pinTriesLeft: _p, pukTriesLeft: _k, pinVerified: _v, writeCount: _w, backupInProgress: _b, restoreInProgress: _r, selectedAid: _a, ...rest } = card.inspect();
  return rest;
}

/** A card in the state, with what the checks compare against. */
function enter(s: State) {
  const card = s.enter();
  return { card, before: card.save(), writes: card.writeCount, settledBefore: settled(card) };
}

interface State {
  name: string;
  /** A card in the state, powered on. */
  enter(): SimCard;
  /** After a success that wrote nothing: is the card still in the state (else it is entered again)? */
  still?(card: SimCard): boolean;
  /** Extra check of each answer in this state. */
  check?(card: SimCard, apdu: Uint8Array, sw: number): void;
}

/** A state kept as EEPROM bytes: entered by loading them. */
function saved(card: SimCard, then: (c: SimCard) => void = () => undefined): () => SimCard {
  const image = card.save();
  return () => {
    const c = loadSimCard(image, { seed: 'fuzz' });
    c.powerOn();
    then(c);
    return c;
  };
}

const blank = createBlankTestCard({ ...APPS, seed: 'fuzz blank' });
const personal = createTestCard({ ...APPS, seed: 'fuzz card' });
personal.powerOn();
verify(personal);
const own = runBackup(personal, 'full');
personal.powerOff();
const blocked = loadSimCard(personal.save(), { seed: 'b' });
blocked.powerOn();
for (let i = 0; i < 3; i++) send(blocked, { cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: new TextEncoder().encode('9999'), ne: 0 });
expect(blocked.inspect().pinTriesLeft).toBe(0);
blocked.powerOff();
// A restore cut by a power loss while RESTORE COMPLETE writes the memory: memory locked
// until a restore finishes (the first cut, counted in EEPROM writes, that leaves it so).
function restoreOwn(c: SimCard): void {
  verify(c);
  expect(send(c, restore.getApdu({ target: 'same', mode: 'compacted', wrappedKey: own.wrappedKeyBytes, header: own.headerBytes, headerSignature: own.headerSignature })).sw).toBe(0x9000);
  for (const t of packRecords(pointRecords([own]), own.header.pageSize, commandRoom(c))) expect(send(c, restoreTransfer.getApdu(t)).sw).toBe(0x9000);
  send(c, restoreComplete.getApdu(1_700_000_100_000));
}
const cut = ((): SimCard => {
  const image = personal.save();
  const ref = loadSimCard(image);
  ref.powerOn();
  const w0 = ref.inspect().writeCount;
  restoreOwn(ref);
  const writes = ref.inspect().writeCount - w0;
  for (let i = 0; i < writes; i++) {
    const c = loadSimCard(image, { fault: cutPowerAt(w0 + i) });
    c.powerOn();
    try {
      restoreOwn(c);
    } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
    }
    c.powerOn();
    if (c.inspect().restorePending) return loadSimCard(c.save());
  }
  throw new Error('no cut of the restore left the memory locked');
})();


/** What a card with its memory locked may still answer with success: no application command, no backup. */
const LOCKED_ANSWERS: number[] = [INS.SELECT, INS.GET_DATA, INS.GET_RESPONSE, INS.VERIFY, INS.INTERNAL_AUTHENTICATE, INS.RESTORE, INS.RESTORE_DATA_TRANSFER, INS.RESTORE_COMPLETE, INS.RESTORE_ABORT];

const states: State[] = [
  {
    name: 'blank (manufactured, not personalised)',
    enter: saved(blank),
    check(card, apdu, sw) {
      const ins = apdu[1] ?? 0;
      // A chained part (CLA bit 0x10) is taken with 9000 whatever it is: ISO 7816-4 judges the whole at its last part.
      const chained = ((apdu[0] ?? 0) & 0x10) !== 0;
      if ((sw === 0x9000 || sw >>> 8 === 0x61) && !chained) expect([INS.SELECT, INS.GET_DATA, INS.GET_RESPONSE], `blank card answered ${sw.toString(16)} to ${hex(apdu.subarray(0, 24))}`).toContain(ins);
      if (sw === 0x9000) expect(card.inspect().initialised, `blank card personalised by ${hex(apdu.subarray(0, 24))}`).toBe(false);
    },
  },
  { name: 'personalised, PIN not verified', enter: saved(personal) },
  { name: 'PIN verified', enter: saved(personal, (c) => verify(c)), still: (c) => c.inspect().pinVerified },
  { name: 'PIN blocked', enter: saved(blocked), check: (card) => expect(card.inspect().pinTriesLeft).toBe(0) },
  {
    name: 'backup session open',
    enter: saved(personal, (c) => {
      verify(c);
      expect(send(c, backup.getApdu('diff', 1_700_000_000_000)).sw).toBe(0x9000);
    }),
    still: (c) => c.inspect().backupInProgress,
  },
  {
    name: 'restore session open',
    enter: saved(personal, (c) => {
      verify(c);
      expect(send(c, restore.getApdu({ target: 'same', mode: 'compacted', wrappedKey: own.wrappedKeyBytes, header: own.headerBytes, headerSignature: own.headerSignature })).sw).toBe(0x9000);
    }),
    still: (c) => c.inspect().restoreInProgress,
  },
  {
    name: 'restore cut by a power loss (memory locked)',
    enter: saved(cut),
    check(card, apdu, sw) {
      // Memory locked: nothing but the restore's own commands (and what reads no memory) succeeds.
      const ins = apdu[1] ?? 0;
      const chained = ((apdu[0] ?? 0) & 0x10) !== 0;
      if (sw === 0x9000 && !chained) expect(LOCKED_ANSWERS, `locked card answered 9000 to ${hex(apdu.subarray(0, 24))}`).toContain(ins);
    },
  },
];

describe(`${PER_STATE.toLocaleString('en')} random APDUs per card state: always a status word, a refusal changes nothing`, () => {
  it('the cut restore leaves the memory locked (the state below is what it says)', () => {
    const c = states[6]?.enter();
    expect(c?.inspect().restorePending).toBe(true);
  });
  for (const [i, s] of states.entries())
    it(s.name, () => {
      let { card, before, writes, settledBefore } = enter(s);
      let answered = 0;
      for (const apdu of apdus(20261129 + i)) {
        const r = card.transmit(apdu);
        expect(r.length, `no status word for ${hex(apdu.subarray(0, 24))}`).toBeGreaterThanOrEqual(2);
        const sw = ((r[r.length - 2] as number) << 8) | (r[r.length - 1] as number);
        s.check?.(card, apdu, sw);
        if (pinCommand(apdu) && !mayChange(sw)) {
          // The try is spent before the data is judged (and a right PIN resets the tries),
          // so a refused PIN command may move the try counters, and nothing else.
          expect(settled(card), `SW ${sw.toString(16)} to ${hex(apdu.subarray(0, 24))} changed more than the tries`).toEqual(settledBefore);
          ({ card, before, writes, settledBefore } = enter(s));
        } else if (!mayChange(sw)) {
          // Unchanged since the state was entered: no write at all, or writes that left every byte as it was.
          if (card.writeCount !== writes) {
            expect(equal(card.save(), before), `SW ${sw.toString(16)} to ${hex(apdu.subarray(0, 24))} changed the card`).toBe(true);
            writes = card.writeCount;
          }
        } else if (card.writeCount !== writes || !(s.still?.(card) ?? false)) {
          ({ card, before, writes, settledBefore } = enter(s));
        }
        answered++;
      }
      expect(answered).toBe(PER_STATE);
    });
});
