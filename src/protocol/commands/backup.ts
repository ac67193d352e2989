/**
 * BACKUP (fig. 14, 107), BACKUP DATA TRANSFER (fig. 15, 108), BACKUP COMPLETE
 * (fig. 16, 109) and BACKUP ABORT (ours: cancellation without marking anything).
 */
import { command, type CommandApdu } from '../apdu.ts';
import { u64be } from '../bytes.ts';
import {
  decodeHeader,
  decodeSegments,
  HASH_BYTES,
  HEADER_BYTES,
  KIND_CODE,
  type BackupHeader,
  type BackupKind,
  type Segment,
} from '../backup-format.ts';
import { SW } from '../status-words.ts';
import { BACKUP_DATA_PREFIX_BYTES } from '../trust/backup-data.ts';
import { decodeWrappedKeyV2, WRAPPED_KEY_V2_BYTES, type WrappedKeyV2 } from '../trust/wrapped-key.ts';
import { badResponse, checkSw, expectEmpty } from './card-error.ts';
import { CLA_PROPRIETARY, INS } from './codes.ts';

export interface BackupStart {
  /** The 99 wrapped-key bytes, the 126 header bytes and the card's 64-byte header signature, exactly as the card sent them (store these). */
  wrappedKeyBytes: Uint8Array;
  headerBytes: Uint8Array;
  headerSignature: Uint8Array;
  wrappedKey: WrappedKeyV2;
  header: BackupHeader;
}

export const backup = {
  /**
   * data = the host's date (ms since 1970, u64): the card has no clock. Ne: the answer is
   * 289 bytes; a short link asks for 256 and gets the rest by 61xx / GET RESPONSE.
   */
  getApdu: (kind: BackupKind, date: number, ne: number = BACKUP_DATA_PREFIX_BYTES): CommandApdu =>
    command(CLA_PROPRIETARY, INS.BACKUP, KIND_CODE[kind], 0x00, u64be(date), ne),
  parseResponse(response: Uint8Array): BackupStart {
    const { data } = checkSw(response, 'BACKUP');
    if (data.length !== BACKUP_DATA_PREFIX_BYTES) throw badResponse('BACKUP', `expected ${BACKUP_DATA_PREFIX_BYTES} bytes (protocol version 2), got ${data.length}`);
    const wrappedKeyBytes = data.slice(0, WRAPPED_KEY_V2_BYTES);
    const headerBytes = data.slice(WRAPPED_KEY_V2_BYTES, WRAPPED_KEY_V2_BYTES + HEADER_BYTES);
    const headerSignature = data.slice(WRAPPED_KEY_V2_BYTES + HEADER_BYTES);
    const w = decodeWrappedKeyV2(wrappedKeyBytes);
    if (!w.ok) throw badResponse('BACKUP', w.error.message, w.error);
    const h = decodeHeader(headerBytes);
    if (!h.ok) throw badResponse('BACKUP', h.error.message, h.error);
    return { wrappedKeyBytes, headerBytes, headerSignature, wrappedKey: w.value, header: h.value };
  },
};

export interface TransferChunk {
  /** The segment bytes as sent (empty for a diff with no changed page). */
  bytes: Uint8Array;
  segments: Segment[];
  /** 9000 = this was the last (fig. 15, 147); 6310 = more remain. */
  done: boolean;
}

export const backupTransfer = {
  /** Ne = the largest answer the link carries (65536 extended, 256 short: the card then answers 61xx). */
  getApdu: (ne: number): CommandApdu => command(CLA_PROPRIETARY, INS.BACKUP_DATA_TRANSFER, 0x00, 0x00, undefined, ne),
  parseResponse(response: Uint8Array, pageSize: number): TransferChunk {
    const { data, sw } = checkSw(response, 'BACKUP DATA TRANSFER', [SW.OK, SW.MORE_DATA]);
    if (data.length === 0) {
      if (sw === SW.MORE_DATA) throw badResponse('BACKUP DATA TRANSFER', 'no data but more to come');
      return { bytes: data, segments: [], done: true };
    }
    const s = decodeSegments(data, pageSize);
    if (!s.ok) throw badResponse('BACKUP DATA TRANSFER', s.error.message, s.error);
    return { bytes: data, segments: s.value, done: sw === SW.OK };
  },
};

export const backupComplete = {
  /** data = SHA-256 of the header: the host says which backup it has stored safely. */
  getApdu(headerHash: Uint8Array): CommandApdu {
    if (headerHash.length !== HASH_BYTES) throw new RangeError('BACKUP COMPLETE: header hash must be 32 bytes');
    return command(CLA_PROPRIETARY, INS.BACKUP_COMPLETE, 0x00, 0x00, headerHash);
  },
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'BACKUP COMPLETE'),
};

export const backupAbort = {
  getApdu: (): CommandApdu => command(CLA_PROPRIETARY, INS.BACKUP_ABORT, 0x00, 0x00),
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'BACKUP ABORT'),
};
