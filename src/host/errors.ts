/**
 * The host's one error type. Every failure of a flow reaches the UI as a HostError with
 * a literal code to switch on and a message a cardholder can act on. Status words
 * become domain errors in one place only (CardError, src/protocol/commands); here a
 * CardError is wrapped, keeping its status word, never re-decoded.
 */
import { CardError } from '../protocol/commands/card-error.ts';
import { VaultError } from '../vault/index.ts';

export type HostErrorCode =
  | 'CANCELLED' // the AbortSignal fired; card and vault were put back
  | 'WRONG_PIN' // 63Cx: `triesLeft` says how many remain
  | 'PIN_BLOCKED' // 6983: the card takes no more PIN tries
  | 'NOT_INITIALISED' // a blank card: nothing to back up
  | 'CARD_BUSY' // a restore was cut off ("restore pending"): restore before backing up
  | 'MISSING_BASE' // a diff (or point) the vault cannot anchor: refused before anything was sent
  | 'NOT_FOUND' // the point to restore is not in the vault
  | 'WRONG_CARD' // the card in the reader is not the one the operation names
  | 'NOT_GENUINE' // the card's certificate does not chain to the issuer's root, or the card lacks its certified key
  | 'NOT_AUTHORISED' // a restore onto another card without an issuer to authorise it
  | 'CARD_REFUSED' // the card answered a status word that ends the flow (`sw`)
  | 'TRANSPORT' // the reader or link failed (unplugged, removed card, timeout)
  | 'OLD_PROTOCOL' // backup data of protocol version 1: a version-2 card cannot restore it (export it to keep it)
  | 'BAD_BACKUP' // backup data of no known version: refused before anything was sent
  | 'VAULT'; // the vault refused or storage failed (`cause` is the VaultError)

export class HostError extends Error {
  readonly code: HostErrorCode;
  /** The card's status word when the card said no (CARD_REFUSED, WRONG_PIN, PIN_BLOCKED). */
  readonly sw: number | undefined;
  /** WRONG_PIN: tries left. */
  readonly triesLeft: number | undefined;
  constructor(code: HostErrorCode, message: string, options: { cause?: unknown; sw?: number; triesLeft?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HostError';
    this.code = code;
    this.sw = options.sw;
    this.triesLeft = options.triesLeft;
  }
}

export const isAbort = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && 'name' in e && (e.name === 'AbortError' || (e.name === 'ReaderError' && 'code' in e && e.code === 'ABORTED'));

/** What went wrong during `what`, as a HostError (an existing HostError passes through). */
export function toHostError(e: unknown, what: string): HostError {
  if (e instanceof HostError) return e;
  if (isAbort(e)) return new HostError('CANCELLED', `${what}: cancelled`, { cause: e });
  if (e instanceof CardError) {
    if (e.code === 'WRONG_PIN')
      return new HostError('WRONG_PIN', `wrong PIN: ${e.triesLeft ?? 0} ${e.triesLeft === 1 ? 'try' : 'tries'} left`, { cause: e, sw: e.sw, triesLeft: e.triesLeft ?? 0 });
    if (e.code === 'PIN_BLOCKED') return new HostError('PIN_BLOCKED', 'the PIN is blocked: the card takes no more tries', { cause: e, sw: e.sw });
    return new HostError('CARD_REFUSED', `${what}: the card refused (${e.message})`, { cause: e, sw: e.sw });
  }
  if (e instanceof VaultError) {
    const code = e.code === 'NOT_FOUND' ? 'NOT_FOUND' : e.code === 'MISSING_BASE' ? 'MISSING_BASE' : 'VAULT';
    return new HostError(code, `${what}: ${e.message}`, { cause: e });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new HostError('TRANSPORT', `${what}: the link to the card failed (${msg})`, { cause: e });
}
