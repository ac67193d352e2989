/**
 * RESTORE (fig. 17, 110), RESTORE DATA TRANSFER (fig. 18, 111), RESTORE COMPLETE
 * (fig. 19, 112) and RESTORE ABORT (ours).
 *   P1: 00 this card's own backup, 01 another card's (fig. 9: data also carries the
 *       issuer's authorisation for source card, this card and the point).
 *   P2: 00 compacted (each page of the point once, from its newest copy), 01 replay
 *       step (claim 15: a full, then each diff in order), 02 verify only (writes nothing).
 */
import { command, type CommandApdu } from '../apdu.ts';
import { concat, u64be } from '../bytes.ts';
import { AUTHORISATION_BYTES, encodeSegment, HEADER_BYTES, WRAPPED_KEY_BYTES, type Segment } from '../backup-format.ts';
import { expectEmpty } from './card-error.ts';
import { CLA_PROPRIETARY, INS } from './codes.ts';

export type RestoreTarget = 'same' | 'other';
export type RestoreMode = 'compacted' | 'replay' | 'verify';
export const RESTORE_P1: Record<RestoreTarget, number> = { same: 0x00, other: 0x01 };
export const RESTORE_P2: Record<RestoreMode, number> = { compacted: 0x00, replay: 0x01, verify: 0x02 };

export interface RestoreStartParams {
  target: RestoreTarget;
  mode: RestoreMode;
  wrappedKey: Uint8Array;
  header: Uint8Array;
  /**
   * 'other' only: the issuer's authorisation (123 bytes, see authorisation.ts). May be
   * left out when this card has imported the source card's key (KEY IMPORT, claim 8).
   */
  authorisation?: Uint8Array;
}

export const restore = {
  /** 205 bytes (328 with an authorisation): short-APDU links send it chained (CLA bit 0x10). */
  getApdu(p: RestoreStartParams): CommandApdu {
    if (p.wrappedKey.length !== WRAPPED_KEY_BYTES || p.header.length !== HEADER_BYTES) throw new RangeError('RESTORE: wrapped key must be 79 bytes, header 126');
    if (p.authorisation && (p.target !== 'other' || p.authorisation.length !== AUTHORISATION_BYTES)) throw new RangeError('RESTORE: an authorisation (123 bytes) goes only with target other');
    const data = concat(p.wrappedKey, p.header, p.authorisation ?? new Uint8Array(0));
    return command(CLA_PROPRIETARY, INS.RESTORE, RESTORE_P1[p.target], RESTORE_P2[p.mode], data);
  },
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'RESTORE'),
};

export const restoreTransfer = {
  /** One or more segments back to back (records of different seqs go in different segments). */
  getApdu(segments: readonly Segment[] | Uint8Array): CommandApdu {
    const data = segments instanceof Uint8Array ? segments : concat(...segments.map(encodeSegment));
    if (data.length === 0) throw new RangeError('RESTORE DATA TRANSFER: no data');
    return command(CLA_PROPRIETARY, INS.RESTORE_DATA_TRANSFER, 0x00, 0x00, data);
  },
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'RESTORE DATA TRANSFER'),
};

export const restoreComplete = {
  /** data = the host's date (u64 ms): recorded in the card's load history (claims 18-23). */
  getApdu: (date: number): CommandApdu => command(CLA_PROPRIETARY, INS.RESTORE_COMPLETE, 0x00, 0x00, u64be(date)),
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'RESTORE COMPLETE'),
};

export const restoreAbort = {
  getApdu: (): CommandApdu => command(CLA_PROPRIETARY, INS.RESTORE_ABORT, 0x00, 0x00),
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'RESTORE ABORT'),
};
