/**
 * Reading an application's answer. Status words become CardError in the one place the
 * card commands use (../card-error.ts); this adds what only value applications have:
 * SW 6283, "restored, value initialised" (fig. 20, the patent's alternative of telling
 * the host by a response code).
 */
import type { Decoded } from '../../result.ts';
import { SW } from '../../status-words.ts';
import { badResponse, checkSw } from '../card-error.ts';

export interface ValueReply<T> {
  /** undefined only when a value command was answered 6283 and therefore not executed. */
  value: T;
  /**
   * True on SW 6283: the application was restored and has just set its value to zero.
   * A read still returns its data (showing the zero); a value command was NOT executed.
   */
  valueReset: boolean;
}

/** Throws CardError unless 9000; decodes the data. For applications without value. */
export function parsePlain<T>(response: Uint8Array, name: string, decode: (data: Uint8Array) => Decoded<T>): T {
  const { data } = checkSw(response, name);
  const d = decode(data);
  if (!d.ok) throw badResponse(name, d.error.message, d.error);
  return d.value;
}

/** A value application's read: 9000 or 6283, data in both cases. */
export function parseValueRead<T>(response: Uint8Array, name: string, decode: (data: Uint8Array) => Decoded<T>): ValueReply<T> {
  const { data, sw } = checkSw(response, name, [SW.OK, SW.VALUE_RESET]);
  const d = decode(data);
  if (!d.ok) throw badResponse(name, d.error.message, d.error);
  return { value: d.value, valueReset: sw === SW.VALUE_RESET };
}

/** A value command: 9000 with the new value, or 6283 with no data (not executed). */
export function parseValueChange<T>(response: Uint8Array, name: string, decode: (data: Uint8Array) => Decoded<T>): ValueReply<T | undefined> {
  const { data, sw } = checkSw(response, name, [SW.OK, SW.VALUE_RESET]);
  if (sw === SW.VALUE_RESET) {
    if (data.length !== 0) throw badResponse(name, 'value command answered 6283 with data');
    return { value: undefined, valueReset: true };
  }
  return { value: parsePlain(response, name, decode), valueReset: false };
}
