/**
 * Every SmartCardError of the Web Smart Card API (its responseCode, the spec's names for
 * PC/SC's SCARD_E_* / SCARD_W_* codes) as a ReaderError code and a plain sentence.
 * Other DOMExceptions the API throws (AbortError, NotAllowedError, InvalidStateError,
 * SecurityError) are mapped too; anything else is READER_FAILED with its message.
 */
import { ReaderError, type ReaderErrorCode } from '../errors.ts';

export type SmartCardResponseCode =
  | 'no-service'
  | 'no-smartcard'
  | 'not-ready'
  | 'not-transacted'
  | 'proto-mismatch'
  | 'reader-unavailable'
  | 'removed-card'
  | 'reset-card'
  | 'server-too-busy'
  | 'sharing-violation'
  | 'system-cancelled'
  | 'unknown-error'
  | 'unknown-reader'
  | 'unpowered-card'
  | 'unresponsive-card'
  | 'unsupported-card'
  | 'unsupported-feature';

export const SMART_CARD_ERRORS: Record<SmartCardResponseCode, { code: ReaderErrorCode; words: string }> = {
  'no-service': { code: 'DEVICE_GONE', words: 'the smart-card service of this computer is not running' },
  'no-smartcard': { code: 'NO_CARD', words: 'there is no card in the reader' },
  'not-ready': { code: 'READER_FAILED', words: 'the reader or the card is not ready' },
  'not-transacted': { code: 'READER_FAILED', words: 'the reader could not carry the command to the card' },
  'proto-mismatch': { code: 'UNSUPPORTED', words: 'the card does not speak a protocol the reader offered (T=0 or T=1)' },
  'reader-unavailable': { code: 'DEVICE_GONE', words: 'the reader is no longer available (unplugged?)' },
  'removed-card': { code: 'CARD_REMOVED', words: 'the card was taken out of the reader' },
  'reset-card': { code: 'CARD_REMOVED', words: 'another program reset the card; start again' },
  'server-too-busy': { code: 'READER_FAILED', words: 'the smart-card service is too busy' },
  'sharing-violation': { code: 'INTERFACE_BUSY', words: 'another program is using this reader' },
  'system-cancelled': { code: 'ABORTED', words: 'the system cancelled the operation' },
  'unknown-error': { code: 'READER_FAILED', words: 'the smart-card service reported an unknown error' },
  'unknown-reader': { code: 'DEVICE_GONE', words: 'there is no reader by that name' },
  'unpowered-card': { code: 'CARD_MUTE', words: 'the card has no power' },
  'unresponsive-card': { code: 'CARD_MUTE', words: 'the card does not answer' },
  'unsupported-card': { code: 'UNSUPPORTED', words: 'the reader cannot talk to this card' },
  'unsupported-feature': { code: 'UNSUPPORTED', words: 'the reader does not support this operation' },
};

const DOM_ERRORS: Record<string, { code: ReaderErrorCode; words: string }> = {
  AbortError: { code: 'ABORTED', words: 'cancelled' },
  NotAllowedError: { code: 'ACCESS_DENIED', words: 'this page may not use smart-card readers (permission or permissions policy)' },
  SecurityError: { code: 'ACCESS_DENIED', words: 'smart-card readers are only available to Isolated Web Apps' },
  InvalidStateError: { code: 'PROTOCOL_ERROR', words: 'the connection to the card is already closed or busy' },
};

export function fromSmartCardError(e: unknown, during: string): ReaderError {
  if (e instanceof ReaderError) return e;
  const err = e as { name?: unknown; responseCode?: unknown; message?: unknown } | null;
  const name = typeof err?.name === 'string' ? err.name : '';
  if (name === 'SmartCardError' && typeof err?.responseCode === 'string' && err.responseCode in SMART_CARD_ERRORS) {
    const m = SMART_CARD_ERRORS[err.responseCode as SmartCardResponseCode];
    return new ReaderError(m.code, `${during}: ${m.words} (${err.responseCode})`, { cause: e });
  }
  const dom = DOM_ERRORS[name];
  if (dom) return new ReaderError(dom.code, `${during}: ${dom.words}`, { cause: e });
  return new ReaderError('READER_FAILED', `${during}: ${typeof err?.message === 'string' ? err.message : String(e)}`, { cause: e });
}
