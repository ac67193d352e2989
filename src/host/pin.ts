/**
 * The cardholder's PIN as one operation sends it: once, to the card, as the first step
 * of the operation that needs it (backup, restore, deep check, a terminal's load).
 * There is no separate "check the PIN first": that sent it twice per operation.
 */
import { CardError, PIN_MAX, PIN_MIN } from '../protocol/commands/index.ts';
import type { Transport } from '../protocol/transport.ts';
import { command, send } from './command.ts';
import { HostError } from './errors.ts';

/** Whether `pin` has the PIN's shape (4-12 digits): anything else is refused before the card sees it. */
export const isPinShape = (pin: string): boolean => /^\d+$/.test(pin) && pin.length >= PIN_MIN && pin.length <= PIN_MAX;

/** VERIFY: WRONG_PIN (with tries left) and PIN_BLOCKED as HostErrors; a malformed PIN is never sent. */
export async function presentPinOnce(t: Transport, pin: string, signal?: AbortSignal): Promise<void> {
  if (!isPinShape(pin)) throw new HostError('WRONG_PIN', `the PIN must be ${PIN_MIN} to ${PIN_MAX} digits; no try was spent`);
  try {
    await send(t, command('VERIFY', pin), signal);
  } catch (e) {
    if (e instanceof CardError && e.code === 'WRONG_PIN') throw new HostError('WRONG_PIN', 'wrong PIN', { cause: e, sw: e.sw, triesLeft: e.triesLeft ?? 0 });
    if (e instanceof CardError && e.code === 'PIN_BLOCKED') throw new HostError('PIN_BLOCKED', 'the PIN is blocked', { cause: e, sw: e.sw, triesLeft: 0 });
    throw e;
  }
}
