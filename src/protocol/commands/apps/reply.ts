/**
 * Reading an application's answer. Status words become CardError in the one place the
 * card commands use (../card-error.ts).
 */
import type { Decoded } from '../../result.ts';
import { badResponse, checkSw } from '../card-error.ts';

/** Throws CardError unless 9000; decodes the data. */
export function parsePlain<T>(response: Uint8Array, name: string, decode: (data: Uint8Array) => Decoded<T>): T {
  const { data } = checkSw(response, name);
  const d = decode(data);
  if (!d.ok) throw badResponse(name, d.error.message, d.error);
  return d.value;
}
