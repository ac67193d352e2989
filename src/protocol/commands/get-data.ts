/**
 * GET DATA (80 CA 01 xx): the card's identity, layout, AP table, backup status, load
 * history, PIN status, changed pages; version 2: its public keys, certificate, epoch
 * certificate and restore-authorisation counter.
 */
import { command, type CommandApdu } from '../apdu.ts';
import { readU32be } from '../bytes.ts';
import { fail, ok, type Decoded } from '../result.ts';
import { CARD_CERTIFICATE_BYTES, EPOCH_CERTIFICATE_BYTES } from '../trust/certificates.ts';
import { badResponse, checkSw } from './card-error.ts';
import { CLA_PROPRIETARY, INS } from './codes.ts';
import {
  DATA_OBJECT,
  decodeApTableInfo,
  decodeCardPublicKeys,
  decodeBackupStatus,
  decodeChangedPages,
  decodeIdentityInfo,
  decodeLoadHistory,
  decodeMemoryLayout,
  decodePinStatus,
} from './get-data-codecs.ts';

function getData<T>(tag: number, name: string, decode: (b: Uint8Array) => Decoded<T>) {
  return {
    /** Ne 256 in short form; a longer answer comes back with 61xx (short cards) or whole (extended Ne). */
    getApdu: (ne = 256): CommandApdu => command(CLA_PROPRIETARY, INS.GET_DATA, tag >>> 8, tag & 0xff, undefined, ne),
    parseResponse(response: Uint8Array): T {
      const { data } = checkSw(response, `GET DATA ${name}`);
      const d = decode(data);
      if (!d.ok) throw badResponse(`GET DATA ${name}`, d.error.message, d.error);
      return d.value;
    },
  };
}

export const getIdentity = getData(DATA_OBJECT.IDENTITY, 'identity', decodeIdentityInfo);
export const getMemoryLayout = getData(DATA_OBJECT.MEMORY_LAYOUT, 'memory layout', decodeMemoryLayout);
export const getApTable = getData(DATA_OBJECT.AP_TABLE, 'AP table', decodeApTableInfo);
export const getBackupStatus = getData(DATA_OBJECT.BACKUP_STATUS, 'backup status', decodeBackupStatus);
export const getLoadHistory = getData(DATA_OBJECT.LOAD_HISTORY, 'load history', decodeLoadHistory);
export const getPinStatus = getData(DATA_OBJECT.PIN_STATUS, 'PIN status', decodePinStatus);
export const getChangedPages = getData(DATA_OBJECT.CHANGED_PAGES, 'changed pages', decodeChangedPages);
export const getCardKeys = getData(DATA_OBJECT.CARD_KEYS, 'card keys', decodeCardPublicKeys);

/** Fixed-length opaque bytes (certificates are decoded and checked where they are used). */
const bytesOf = (what: string, n: number) => (b: Uint8Array): Decoded<Uint8Array> => (b.length === n ? ok(b.slice()) : fail(what, `expected ${n} bytes, got ${b.length}`));
const u32Of = (what: string) => (b: Uint8Array): Decoded<number> => (b.length === 4 ? ok(readU32be(b, 0)) : fail(what, `expected 4 bytes, got ${b.length}`));

export const getCardCertificate = getData(DATA_OBJECT.CARD_CERTIFICATE, 'card certificate', bytesOf('card certificate', CARD_CERTIFICATE_BYTES));
export const getEpochCertificate = getData(DATA_OBJECT.EPOCH_CERTIFICATE, 'epoch certificate', bytesOf('epoch certificate', EPOCH_CERTIFICATE_BYTES));
export const getAuthorisationCounter = getData(DATA_OBJECT.AUTHORISATION_COUNTER, 'authorisation counter', u32Of('authorisation counter'));
