/** GET RESPONSE (ISO 7816-4 §11.7.1): fetch the rest of an answer announced by 61xx. */
import { command, type CommandApdu } from '../apdu.ts';
import { CLA_ISO, INS } from './codes.ts';

export const getResponse = {
  /** Ne 1..256 (61xx says how many; 6100 means 256 or more). */
  getApdu(ne: number): CommandApdu {
    if (!Number.isInteger(ne) || ne < 1 || ne > 256) throw new RangeError(`GET RESPONSE Ne must be 1..256, got ${ne}`);
    return command(CLA_ISO, INS.GET_RESPONSE, 0x00, 0x00, undefined, ne);
  },
};
