/**
 * The one way tests, benches and tools get a working card (protocol version 2): a blank
 * card made with the issuer's root, personalised by that issuer through the card's own
 * commands (GET DATA of its public keys, then INITIALISE with the signed personalisation),
 * exactly as src/host/personalise.ts does it for the app. Synchronous, for tests.
 */
import { demoIssuer, type IssuerAuthority } from '../../issuer/core/index.ts';
import { command, decodeResponse, encodeCommand, SHORT_MAX_NC } from '../../src/protocol/apdu.ts';
import { CLA_CHAIN_BIT, CLA_PROPRIETARY, INS } from '../../src/protocol/commands/codes.ts';
import { DATA_OBJECT, decodeCardPublicKeys } from '../../src/protocol/commands/get-data-codecs.ts';
import { describeSw } from '../../src/protocol/status-words.ts';
import { createSimCard, type SimCard, type SimCardOptions } from '../../src/card-sim/index.ts';
import type { RestoreAuthority } from '../../src/host/index.ts';

export const TEST_CARD = { cardNumber: '4900000000000001', pin: '1234', puk: '12345678' } as const;

export interface TestCardOptions extends Omit<SimCardOptions, 'rootPublicKey'> {
  /** 16 digits. Default 4900000000000001. */
  cardNumber?: string;
  /** 4..12 digits. Default 1234. */
  pin?: string;
  /** 8..12 digits. Default 12345678. */
  puk?: string;
  /** Who personalises the card. Default: the shared test issuer (the demo issuer's keys). */
  issuer?: IssuerAuthority;
}

let shared: IssuerAuthority | undefined;
/** One issuer for every test card that names none: cards of one issuer restore onto each other. */
export const testIssuer = (): IssuerAuthority => (shared ??= demoIssuer());

const options = (o: TestCardOptions): SimCardOptions => {
  const { cardNumber: _c, pin: _p, puk: _k, issuer, ...card } = o;
  return { ...card, rootPublicKey: (issuer ?? testIssuer()).rootPublicKey };
};

/** A manufactured, not personalised card that trusts `issuer`'s root. */
export const createBlankTestCard = (o: TestCardOptions = {}): SimCard => createSimCard(options(o));

function send(card: SimCard, cla: number, ins: number, p1: number, p2: number, data: Uint8Array, ne = 0): Uint8Array {
  const r = decodeResponse(card.transmit(encodeCommand(command(cla, ins, p1, p2, data, ne))));
  if (!r.ok) throw r.error;
  if (r.value.sw !== 0x9000) throw new Error(`card refused ${ins.toString(16)}: ${describeSw(r.value.sw)}`);
  return r.value.data;
}

/** INITIALISE as a short-APDU chain (works on every card; an extended card takes it too). */
export function sendInitialise(card: SimCard, personalisation: Uint8Array): void {
  for (let at = 0; at < personalisation.length; at += SHORT_MAX_NC) {
    const last = at + SHORT_MAX_NC >= personalisation.length;
    send(card, CLA_PROPRIETARY | (last ? 0 : CLA_CHAIN_BIT), INS.INITIALISE, 0, 0, personalisation.subarray(at, at + SHORT_MAX_NC));
  }
}

/** The blank card's public keys (GET DATA), certified by `issuer`, PIN and PUK sealed to it. Returns the card certificate. */
export function personaliseTestCard(card: SimCard, issuer: IssuerAuthority, who: { cardNumber: string; pin: string; puk: string }): Uint8Array {
  const tag = DATA_OBJECT.CARD_KEYS;
  const keys = decodeCardPublicKeys(send(card, CLA_PROPRIETARY, INS.GET_DATA, tag >> 8, tag & 0xff, new Uint8Array(0), 256));
  if (!keys.ok) throw keys.error;
  const p = issuer.personalise({ cardNumber: who.cardNumber, cardSigningPublicKey: keys.value.signingPublicKey, cardKemPublicKey: keys.value.kemPublicKey, pin: who.pin, puk: who.puk });
  sendInitialise(card, p.personalisation);
  card.powerOff();
  return p.cardCertificate;
}

/** A personalised card, powered off, ready for any test. */
export function createTestCard(o: TestCardOptions = {}): SimCard {
  const card = createBlankTestCard(o);
  personaliseTestCard(card, o.issuer ?? testIssuer(), { cardNumber: o.cardNumber ?? TEST_CARD.cardNumber, pin: o.pin ?? TEST_CARD.pin, puk: o.puk ?? TEST_CARD.puk });
  return card;
}

/** The test issuer as restore authority (fig. 9): re-wraps the source's key to the target, for counter + 1. */
export const testRestoreAuthority = (issuer: IssuerAuthority = testIssuer()): RestoreAuthority => ({ authoriseRestore: (r) => issuer.authoriseRestore(r) });
