/**
 * Personalisation (issue 10, docs/trust.md): a blank card made its own keys and trusts only
 * its issuer's root; the issuer's signed personalisation is the only way to initialise it.
 * Every refusal leaves the EEPROM as it was. Through `transmit` only.
 */
import { describe, expect, it } from 'vitest';
import { generateIssuerKeys, IssuerAuthority } from '../../issuer/core/index.ts';
import type { SimCard } from '../../src/card-sim/index.ts';
import { command } from '../../src/protocol/apdu.ts';
import { concat, equal, hex, u16be, u32be } from '../../src/protocol/bytes.ts';
import { encodeCardNumber } from '../../src/protocol/card-number.ts';
import { backup, getCardCertificate, getCardKeys, getIdentity, internalAuthenticate, verifyPin } from '../../src/protocol/commands/index.ts';
import { decodePersonalisation, encodePersonalisation } from '../../src/protocol/trust/personalisation.ts';
import { createBlankTestCard, sendInitialise, testIssuer } from '../support/card.ts';
import { raw, send } from './helpers.ts';

const CARD = '4900000000000321';
const who = { cardNumber: CARD, pin: '2468', puk: '13572468' };

function blank(seed: string): SimCard {
  const c = createBlankTestCard({ seed, memorySize: 8192 });
  c.powerOn();
  return c;
}
const keysOf = (c: SimCard) => getCardKeys.parseResponse(raw(send(c, getCardKeys.getApdu())));
const personalisationFor = (c: SimCard, issuer: IssuerAuthority = testIssuer(), keys = keysOf(c)) =>
  issuer.personalise({ ...who, cardSigningPublicKey: keys.signingPublicKey, cardKemPublicKey: keys.kemPublicKey });

/** INITIALISE (extended), its status word; `fn`-style refusals must leave the EEPROM unchanged. */
const initialiseSw = (c: SimCard, data: Uint8Array) => send(c, command(0x80, 0x10, 0, 0, data)).sw.toString(16);
function refusedUnchanged(c: SimCard, sw: string, data: Uint8Array): void {
  const before = c.save();
  expect(initialiseSw(c, data)).toBe(sw);
  expect(equal(c.save(), before), 'card changed').toBe(true);
}

describe('a blank card', () => {
  it('answers its own public keys; refuses what needs a personalised card with 6985', () => {
    const c = blank('blank-a');
    const k = keysOf(c);
    expect(k.signingPublicKey.length + k.kemPublicKey.length).toBe(64);
    expect(hex(keysOf(blank('blank-b')).signingPublicKey)).not.toBe(hex(k.signingPublicKey)); // each card makes its own
    expect(getIdentity.parseResponse(raw(send(c, getIdentity.getApdu()))).initialised).toBe(false);
    for (const apdu of [verifyPin.getApdu('1234'), backup.getApdu('full', 1), getCardCertificate.getApdu(), internalAuthenticate.getApdu(new Uint8Array(16))])
      expect(send(c, apdu).sw.toString(16)).toBe('6985');
  });
});

describe("INITIALISE takes only the issuer's personalisation", () => {
  it('a personalisation from another root (self-signed, same issuer number): 6982', () => {
    const c = blank('self-signed');
    const forger = new IssuerAuthority(generateIssuerKeys({ issuer: testIssuer().issuer, seed: new Uint8Array(32).fill(0x42) }));
    refusedUnchanged(c, '6982', personalisationFor(c, forger).personalisation);
  });
  it("the issuer's personalisation of another card's keys: 6A88", () => {
    const c = blank('other-keys');
    refusedUnchanged(c, '6a88', personalisationFor(c, testIssuer(), keysOf(blank('someone else'))).personalisation);
  });
  it('a tampered personalisation (any certificate byte, the sealed secrets, the signature): 6982 or 6A80', () => {
    const c = blank('tampered');
    const good = personalisationFor(c).personalisation;
    for (const at of [20, 160, 300, 330, good.length - 70, good.length - 1]) {
      const bad = good.slice();
      bad[at] = (bad[at] as number) ^ 0x01;
      const before = c.save();
      expect(['6982', '6a80', '6a88']).toContain(initialiseSw(c, bad));
      expect(equal(c.save(), before), `byte ${at}: card changed`).toBe(true);
    }
  });
  it("version 1's INITIALISE bytes (card number, issuer, epoch, common key, PIN): 6A80", () => {
    const c = blank('v1-bytes');
    const v1 = concat(encodeCardNumber(CARD), u32be(1), u16be(1), new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), Uint8Array.of(4), new TextEncoder().encode('1234'));
    refusedUnchanged(c, '6a80', v1);
  });
  it('personalises once: card number, certificate, PIN and PUK from the issuer; a second time 6985', () => {
    const c = blank('good');
    const p = personalisationFor(c);
    sendInitialise(c, p.personalisation);
    expect(getIdentity.parseResponse(raw(send(c, getIdentity.getApdu())))).toEqual({ initialised: true, cardNumber: CARD, issuer: testIssuer().issuer, epoch: 1 });
    expect(hex(getCardCertificate.parseResponse(raw(send(c, getCardCertificate.getApdu()))))).toBe(hex(p.cardCertificate));
    expect(send(c, verifyPin.getApdu('2468')).sw).toBe(0x9000);
    expect(c.inspect().pukTriesLeft).toBeGreaterThan(0);
    refusedUnchanged(c, '6985', p.personalisation);
    // The PIN and PUK travel sealed to the card: the personalisation's bytes do not hold them.
    const d = decodePersonalisation(p.personalisation);
    if (!d.ok) throw d.error;
    const text = new TextDecoder('latin1').decode(encodePersonalisation(d.value));
    expect(text.includes('13572468')).toBe(false);
  });
});
