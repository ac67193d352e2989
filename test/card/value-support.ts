/**
 * Value tests' world: cards personalised by the test issuer (test/support/card.ts), that
 * issuer's load tokens (signed with its current epoch key, as issuer/core does), the
 * card's receipt key, and the value state read through the card's own commands.
 */
import { expect } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { SimCard } from '../../src/card-sim/index.ts';
import { createTestCard, testIssuer, type TestCardOptions } from '../support/card.ts';
import { concat } from '../../src/protocol/bytes.ts';
import { getCardKeys, select } from '../../src/protocol/commands/index.ts';
import {
  APP_AID,
  emoneyCredit,
  emoneyDebit,
  emoneyReadCounters,
  emoneyReadLog,
  membershipAddPoints,
  membershipReadCounters,
  membershipReadLog,
  membershipRedeem,
  type LogEntry,
  type ValueCounters,
} from '../../src/protocol/commands/apps/index.ts';
import { encodeLoadToken, loadTokenMessage, type LoadTokenBody } from '../../src/protocol/trust/load-token.ts';
import { decodeReceipt, verifyReceipt, type Receipt } from '../../src/protocol/trust/receipt.ts';
import { raw, send, type Exchange } from './helpers.ts';

export type ValueApp = 'emoney' | 'membership';
export const DATE = Date.UTC(2026, 10, 28, 12, 0, 0);

const CODECS = {
  emoney: { load: emoneyCredit, spend: emoneyDebit, counters: emoneyReadCounters, log: emoneyReadLog },
  membership: { load: membershipAddPoints, spend: membershipRedeem, counters: membershipReadCounters, log: membershipReadLog },
} as const;

const currentEpoch = () => {
  const keys = testIssuer().keys;
  const e = keys.epochs[keys.epochs.length - 1];
  if (!e) throw new Error('the test issuer has no epoch');
  return e;
};
/** The issuer's signing key for load tokens: its current epoch key, which the card's certificate chain names. */
const TOKEN_SIGNING_KEY = currentEpoch().signingSecretKey;
export const TOKEN_ISSUER = testIssuer().issuer;
export const TOKEN_EPOCH = currentEpoch().epoch;

export function newCard(cardNumber: string, o: TestCardOptions = {}): SimCard {
  return createTestCard({ cardNumber, seed: `value ${cardNumber}`, ...o });
}

/** A load token as the issuer signs it (issuer/core IssuerAuthority.loadToken's bytes). */
export function token(t: Partial<LoadTokenBody> & { cardNumber: string; app?: ValueApp; amount: number; loadCounter: number }, key: Uint8Array = TOKEN_SIGNING_KEY): Uint8Array {
  const body: LoadTokenBody = { issuer: t.issuer ?? TOKEN_ISSUER, epoch: t.epoch ?? TOKEN_EPOCH, cardNumber: t.cardNumber, aid: t.aid ?? APP_AID[t.app ?? 'emoney'], amount: t.amount, loadCounter: t.loadCounter };
  return encodeLoadToken({ ...body, signature: ed25519.sign(loadTokenMessage(body), key) });
}

export function selectApp(card: SimCard, app: ValueApp): void {
  expect(send(card, select.getApdu(APP_AID[app])).sw).toBe(0x9000);
}

export function load(card: SimCard, app: ValueApp, tokenBytes: Uint8Array, date = DATE): Exchange {
  selectApp(card, app);
  return send(card, CODECS[app].load.getApdu(tokenBytes, date));
}

export function spend(card: SimCard, app: ValueApp, amount: number, challenge = new Uint8Array(0), date = DATE): Exchange {
  selectApp(card, app);
  return send(card, CODECS[app].spend.getApdu(amount, date, challenge));
}

export function counters(card: SimCard, app: ValueApp): ValueCounters {
  selectApp(card, app);
  return CODECS[app].counters.parseResponse(raw(send(card, CODECS[app].counters.getApdu())));
}

export function valueLog(card: SimCard, app: ValueApp): LogEntry[] {
  selectApp(card, app);
  return CODECS[app].log.parseResponse(raw(send(card, CODECS[app].log.getApdu())));
}

/** Loads `amount` with a fresh, valid token for the card's next load counter. */
export function loadOk(card: SimCard, cardNumber: string, app: ValueApp, amount: number): number {
  const c = counters(card, app);
  const r = load(card, app, token({ cardNumber, app, amount, loadCounter: c.loadCounter + 1 }));
  expect(r.sw.toString(16)).toBe('9000');
  return CODECS[app].load.parseResponse(raw(r));
}

/** The card's Ed25519 public key (GET DATA card keys), what its certificate certifies. */
export function cardSigningKey(card: SimCard): Uint8Array {
  return getCardKeys.parseResponse(raw(send(card, getCardKeys.getApdu()))).signingPublicKey;
}

/** A spend's receipt, decoded and checked against the card's key. */
export function receiptOf(card: SimCard, e: Exchange): Receipt {
  expect(e.sw.toString(16)).toBe('9000');
  const r = decodeReceipt(e.data);
  if (!r.ok) throw r.error;
  expect(verifyReceipt(cardSigningKey(card), r.value)).toBe(true);
  return r.value;
}

/** Everything the card stores (memory, bookkeeping with the value store, journal). */
export const eepromOf = (card: SimCard): Uint8Array => card.save();
export const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
export { concat };
