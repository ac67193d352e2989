/**
 * RESTORE (fig. 17, 110), RESTORE DATA TRANSFER (fig. 18, 111), RESTORE COMPLETE
 * (fig. 19, 112) and RESTORE ABORT (ours).
 *   P1: 00 this card's own backup, 01 another card's (fig. 9: data also carries the
 *       issuer's authorisation for source card, this card, the point and this card's
 *       authorisation counter + 1, with the source's key sealed to this card).
 *   P2: 00 compacted (each page of the point once, from its newest copy), 01 replay
 *       step (claim 15: a full, then each diff in order), 02 verify only (writes nothing).
 */
import { command, type CommandApdu } from '../apdu.ts';
import { concat, u64be } from '../bytes.ts';
import { encodeSegment, HEADER_BYTES, type Segment } from '../backup-format.ts';
import { AUTHORISATION_V2_BYTES } from '../trust/authorisation.ts';
import { HEADER_SIGNATURE_BYTES } from '../trust/header-signature.ts';
import { WRAPPED_KEY_V2_BYTES } from '../trust/wrapped-key.ts';
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
  /** The source card's signature over the header (version 2). */
  headerSignature: Uint8Array;
  /** 'other' only, and required there: the issuer's authorisation (239 bytes, src/protocol/trust/authorisation.ts). */
  authorisation?: Uint8Array;
}

export const restore = {
  /** 289 bytes (528 with an authorisation): short-APDU links send it chained (CLA bit 0x10). */
  getApdu(p: RestoreStartParams): CommandApdu {
    if (p.wrappedKey.length !== WRAPPED_KEY_V2_BYTES || p.header.length !== HEADER_BYTES || p.headerSignature.length !== HEADER_SIGNATURE_BYTES)
      throw new RangeError(`RESTORE: wrapped key must be ${WRAPPED_KEY_V2_BYTES} bytes, header ${HEADER_BYTES}, signature ${HEADER_SIGNATURE_BYTES} (protocol version 2)`);
    if (p.authorisation && (p.target !== 'other' || p.authorisation.length !== AUTHORISATION_V2_BYTES)) throw new RangeError(`RESTORE: an authorisation (${AUTHORISATION_V2_BYTES} bytes) goes only with target other`);
    const data = concat(p.wrappedKey, p.header, p.headerSignature, p.authorisation ?? new Uint8Array(0));
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
