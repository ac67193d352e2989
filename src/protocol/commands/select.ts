/** SELECT by AID (ISO 7816-4 §11.1.1, P1 04 = select by DF name). */
import { command, type CommandApdu } from '../apdu.ts';
import { fromHex } from '../bytes.ts';
import { badResponse, checkSw } from './card-error.ts';
import { CLA_ISO, INS } from './codes.ts';

/** The card OS itself (the patent's OS 030): backup, restore and key commands need no SELECT, but this one is always there. */
export const CARD_MANAGER_AID = fromHex('A0000009990100');
/** Applications are A00000099902xx. */
export const APPLICATION_AID_PREFIX = fromHex('A00000099902');

export function encodeFci(aid: Uint8Array): Uint8Array {
  return Uint8Array.of(0x6f, aid.length + 2, 0x84, aid.length, ...aid);
}

export const select = {
  getApdu(aid: Uint8Array): CommandApdu {
    if (aid.length < 5 || aid.length > 16) throw new RangeError(`AID must be 5..16 bytes, got ${aid.length}`);
    return command(CLA_ISO, INS.SELECT, 0x04, 0x00, aid, 256);
  },
  /** Answers the selected AID from the FCI (6F L 84 L aid). */
  parseResponse(response: Uint8Array): { aid: Uint8Array } {
    const { data } = checkSw(response, 'SELECT');
    const n = data[3] ?? 0;
    if (data.length !== n + 4 || data[0] !== 0x6f || data[1] !== n + 2 || data[2] !== 0x84) throw badResponse('SELECT', 'FCI is not 6F L 84 L AID');
    return { aid: data.slice(4) };
  },
};
