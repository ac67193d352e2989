/**
 * What a shop terminal or the issuer's counter does to a card through the card's own
 * application commands (docs/protocol-apps.md): spend and load e-money, add points, add
 * a medical record. Demo mode's buttons are such a terminal.
 *
 * Version 2 (docs/trust.md "Value"): value enters a card only with the issuer's load
 * token. The terminal reads the card's load counter, asks the issuer (`TokenSource`: the
 * issuer service, or the demo issuer in demo mode) for a token bound to this card, this
 * application, the amount and counter + 1, and sends it: no PIN loads anything. A spend
 * answers the card-signed receipt, which the terminal hands to the issuer's ledger.
 */
import type { Transport } from '../protocol/transport.ts';
import { APP_AID } from '../protocol/commands/apps/index.ts';
import type { Receipt } from '../protocol/trust/receipt.ts';
import { selectApp } from './app-read.ts';
import { command, send } from './command.ts';
import { HostError } from './errors.ts';
import { presentPin } from './card.ts';
import { CardLink } from './link.ts';

/** The flows' own VERIFY (host/card.ts): WRONG_PIN with tries left, PIN_BLOCKED, a malformed PIN never sent. */
const presentPinOnce = (t: Transport, pin: string) => presentPin(new CardLink(t, undefined), pin);

export type ValueAppKind = 'emoney' | 'membership';

/** What the issuer signs a load token for (issuer/core IssuerAuthority.loadToken). */
export interface LoadRequest {
  app: ValueAppKind;
  cardNumber: string;
  aid: Uint8Array;
  amount: number;
  /** The card's load counter + 1: the value the card accepts next. */
  loadCounter: number;
}

/** The issuer's side of a load: a signed load token for the request (it may refuse by throwing). */
export type TokenSource = (request: LoadRequest) => Promise<Uint8Array>;

const VALUE_COMMANDS = {
  emoney: { load: 'e-money CREDIT', spend: 'e-money DEBIT', counters: 'e-money READ COUNTERS' },
  membership: { load: 'membership ADD POINTS', spend: 'membership REDEEM', counters: 'membership READ COUNTERS' },
} as const;

/** Loads `amount` by an issuer-signed token; answers the value after. */
export async function loadValue(t: Transport, app: ValueAppKind, amount: number, tokens: TokenSource): Promise<number> {
  if (!Number.isInteger(amount) || amount < 1 || amount > 0xffffffff) throw new HostError('CARD_REFUSED', `not an amount the card takes: ${amount}`);
  const { cardNumber } = await send(t, command('GET DATA identity'));
  await selectApp(t, app);
  const { loadCounter } = await send(t, command(VALUE_COMMANDS[app].counters));
  const token = await tokens({ app, cardNumber, aid: APP_AID[app].slice(), amount, loadCounter: loadCounter + 1 });
  return send(t, command(VALUE_COMMANDS[app].load, token, Date.now()));
}

/** Spends `amount` (with the terminal's challenge, 0-32 bytes); answers the card-signed receipt. */
async function spendValue(t: Transport, app: ValueAppKind, amount: number, challenge: Uint8Array): Promise<Receipt> {
  await selectApp(t, app);
  return send(t, command(VALUE_COMMANDS[app].spend, amount, Date.now(), challenge));
}

export async function spend(t: Transport, amount: number, challenge: Uint8Array = new Uint8Array(0)): Promise<Receipt> {
  return spendValue(t, 'emoney', amount, challenge);
}

export async function load(t: Transport, amount: number, tokens: TokenSource): Promise<number> {
  return loadValue(t, 'emoney', amount, tokens);
}

export async function addPoints(t: Transport, points: number, tokens: TokenSource): Promise<number> {
  return loadValue(t, 'membership', points, tokens);
}

/** REDEEM needs the cardholder PIN (presented once, in this session). */
export async function redeemPoints(t: Transport, points: number, pin: string, challenge: Uint8Array = new Uint8Array(0)): Promise<Receipt> {
  await selectApp(t, 'membership');
  await presentPinOnce(t, pin);
  return spendValue(t, 'membership', points, challenge);
}

/** The medical application keeps a list: an allergy note becomes a dated record (ICD-10 Z88.9: allergy status). */
export async function addAllergyRecord(t: Transport, note: string, pin: string): Promise<void> {
  let record;
  try {
    record = command('medical APPEND RECORD', { date: Date.now(), code: 'Z88.9', note: `Allergy: ${note.trim()}` });
  } catch (e) {
    throw new HostError('CARD_REFUSED', `not a record the card takes: ${note}`, { cause: e });
  }
  await selectApp(t, 'medical');
  await presentPinOnce(t, pin);
  await send(t, record);
}
