/**
 * KEY EXPORT / KEY IMPORT (claim 8, 011/012). Export answers the card-unique key
 * wrapped under the issuer's common key (the same 79 bytes that open every backup).
 * Import lets this card adopt another card's unique key, only with the issuer's
 * authorisation for (source card, this card, SHA-256 of the wrapped key).
 */
import { command, type CommandApdu } from '../apdu.ts';
import { concat } from '../bytes.ts';
import { AUTHORISATION_BYTES, decodeWrappedKey, WRAPPED_KEY_BYTES, type WrappedKey } from '../backup-format.ts';
import { badResponse, checkSw, expectEmpty } from './card-error.ts';
import { CLA_PROPRIETARY, INS } from './codes.ts';

export const keyExport = {
  getApdu: (): CommandApdu => command(CLA_PROPRIETARY, INS.KEY_EXPORT, 0x00, 0x00, undefined, WRAPPED_KEY_BYTES),
  parseResponse(response: Uint8Array): { bytes: Uint8Array; wrappedKey: WrappedKey } {
    const { data } = checkSw(response, 'KEY EXPORT');
    const w = decodeWrappedKey(data);
    if (!w.ok) throw badResponse('KEY EXPORT', w.error.message, w.error);
    return { bytes: data, wrappedKey: w.value };
  },
};

export const keyImport = {
  getApdu(wrappedKey: Uint8Array, authorisation: Uint8Array): CommandApdu {
    if (wrappedKey.length !== WRAPPED_KEY_BYTES || authorisation.length !== AUTHORISATION_BYTES) throw new RangeError('KEY IMPORT: 79-byte wrapped key and 123-byte authorisation');
    return command(CLA_PROPRIETARY, INS.KEY_IMPORT, 0x00, 0x00, concat(wrappedKey, authorisation));
  },
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'KEY IMPORT'),
};
