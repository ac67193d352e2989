/**
 * What a shop terminal or the issuer's counter does to a card through the card's own
 * application commands (docs/protocol-apps.md): spend and load e-money, add points, add
 * a medical record. Demo mode's buttons are such a terminal; the terminal holds the PIN
 * it presents for the commands that need it (loading value, adding a medical record).
 */
import type { Transport } from '../protocol/transport.ts';
import { selectApp } from './app-read.ts';
import { command, send, type Command } from './command.ts';
import { HostError } from './errors.ts';
import { presentPin } from './card.ts';
import { CardLink } from './link.ts';

/** The flows' own VERIFY (host/card.ts): WRONG_PIN with tries left, PIN_BLOCKED, a malformed PIN never sent. */
const presentPinOnce = (t: Transport, pin: string) => presentPin(new CardLink(t, undefined), pin);

type ValueCommandName = 'e-money CREDIT' | 'e-money DEBIT' | 'membership ADD POINTS';

/**
 * A value command; if the card answers 6283 (restored: it has just reset the value and
 * did not run the command, fig. 20), send it once more against the value that exists now.
 */
async function valueCommand(t: Transport, name: ValueCommandName, amount: number): Promise<void> {
  const build = (): Command<{ valueReset: boolean }> => command(name, amount, Date.now());
  const first = await send(t, build());
  if (first.valueReset) await send(t, build());
}

export async function spend(t: Transport, amount: number): Promise<void> {
  await selectApp(t, 'emoney');
  await valueCommand(t, 'e-money DEBIT', amount);
}

export async function load(t: Transport, amount: number, pin: string): Promise<void> {
  await selectApp(t, 'emoney');
  await presentPinOnce(t, pin);
  await valueCommand(t, 'e-money CREDIT', amount);
}

export async function addPoints(t: Transport, points: number): Promise<void> {
  await selectApp(t, 'membership');
  await valueCommand(t, 'membership ADD POINTS', points);
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
