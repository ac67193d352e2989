/**
 * The one place where status words become domain errors (DESIGN.md: "one place
 * where status words become domain errors", after yubikit). Every command's
 * `parseResponse` calls `checkSw`; callers catch `CardError` and switch on `code`.
 */
import { decodeResponse, type ResponseApdu } from '../apdu.ts';
import { describeSw, isBytesRemaining, isRetryCounter, isWrongLe, SW } from '../status-words.ts';

export type CardErrorCode =
  | 'WRONG_LENGTH'
  | 'SECURITY_NOT_SATISFIED'
  | 'WRONG_PIN'
  | 'PIN_BLOCKED'
  | 'KEY_NOT_USABLE'
  | 'CONDITIONS_NOT_SATISFIED'
  | 'BACKUP_DATA_REJECTED'
  | 'WRONG_DATA'
  | 'APPLICATION_NOT_FOUND'
  | 'NOT_ENOUGH_MEMORY'
  | 'WRONG_P1P2'
  | 'REFERENCE_NOT_FOUND'
  | 'INS_NOT_SUPPORTED'
  | 'CLA_NOT_SUPPORTED'
  | 'MEMORY_FAILURE'
  | 'CHAINING_ERROR'
  | 'TRANSPORT_STATUS'
  | 'BAD_RESPONSE'
  | 'UNKNOWN_STATUS';

const BY_SW: Record<number, CardErrorCode> = {
  [SW.WRONG_LENGTH]: 'WRONG_LENGTH',
  [SW.SECURITY_NOT_SATISFIED]: 'SECURITY_NOT_SATISFIED',
  [SW.AUTH_METHOD_BLOCKED]: 'PIN_BLOCKED',
  [SW.DATA_INVALID]: 'KEY_NOT_USABLE',
  [SW.CONDITIONS_NOT_SATISFIED]: 'CONDITIONS_NOT_SATISFIED',
  [SW.INCORRECT_SM_DATA]: 'BACKUP_DATA_REJECTED',
  [SW.WRONG_DATA]: 'WRONG_DATA',
  [SW.FILE_NOT_FOUND]: 'APPLICATION_NOT_FOUND',
  [SW.NOT_ENOUGH_MEMORY]: 'NOT_ENOUGH_MEMORY',
  [SW.INCORRECT_P1P2]: 'WRONG_P1P2',
  [SW.REFERENCE_NOT_FOUND]: 'REFERENCE_NOT_FOUND',
  [SW.INS_NOT_SUPPORTED]: 'INS_NOT_SUPPORTED',
  [SW.CLA_NOT_SUPPORTED]: 'CLA_NOT_SUPPORTED',
  [SW.MEMORY_FAILURE]: 'MEMORY_FAILURE',
  [SW.LAST_COMMAND_EXPECTED]: 'CHAINING_ERROR',
  [SW.CHAINING_NOT_SUPPORTED]: 'CHAINING_ERROR',
};

export class CardError extends Error {
  readonly code: CardErrorCode;
  /** The status word the card answered (0x9000 for a malformed successful answer). */
  readonly sw: number;
  /** For WRONG_PIN: tries left (63Cx). */
  readonly triesLeft: number | undefined;

  constructor(code: CardErrorCode, sw: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CardError';
    this.code = code;
    this.sw = sw;
    this.triesLeft = code === 'WRONG_PIN' ? sw & 0x0f : undefined;
  }
}

/** Map a status word to its domain error; `undefined` for success (9000, 6310). */
export function errorForSw(sw: number, command = 'command'): CardError | undefined {
  if (sw === SW.OK || sw === SW.MORE_DATA) return undefined;
  const text = `${command}: ${describeSw(sw)}`;
  if (isRetryCounter(sw)) return new CardError('WRONG_PIN', sw, text);
  // 61xx/6Cxx belong to the transport wrappers; seeing one here means a wrapper is missing.
  if (isBytesRemaining(sw) || isWrongLe(sw)) return new CardError('TRANSPORT_STATUS', sw, text);
  return new CardError(BY_SW[sw] ?? 'UNKNOWN_STATUS', sw, text);
}

/** Split response bytes (data ‖ SW1 SW2) and throw the domain error unless the SW is in `accept`. */
export function checkSw(response: Uint8Array, command: string, accept: readonly number[] = [SW.OK]): ResponseApdu {
  const r = decodeResponse(response);
  if (!r.ok) throw new CardError('BAD_RESPONSE', 0, `${command}: ${r.error.message}`, { cause: r.error });
  if (!accept.includes(r.value.sw)) {
    throw errorForSw(r.value.sw, command) ?? new CardError('UNKNOWN_STATUS', r.value.sw, `${command}: unexpected ${describeSw(r.value.sw)}`);
  }
  return r.value;
}

/** A successful answer whose data does not parse. */
export const badResponse = (command: string, why: string, cause?: unknown): CardError =>
  new CardError('BAD_RESPONSE', SW.OK, `${command}: ${why}`, cause === undefined ? undefined : { cause });

/** The answer must carry no data (and succeed). */
export function expectEmpty(response: Uint8Array, command: string): void {
  const r = checkSw(response, command);
  if (r.data.length !== 0) throw badResponse(command, `expected no data, got ${r.data.length} bytes`);
}
