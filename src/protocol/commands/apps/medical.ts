/**
 * Medical application (AID A0000009990204): a list of records, oldest first.
 *
 *   READ RECORD    80 60 n 00 00          -> record n (1-based)
 *   APPEND RECORD  80 62 00 00 Lc record  (needs PIN) -> new count u8
 *   COUNT          80 64 00 00 02         -> count u8 || capacity u8
 * Record: date u64 (ms since 1970) || code len u8 || code (ICD-10 style, e.g. "J45.9")
 *         || note len u8 || note (UTF-8, 0..48 bytes)
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { concat, readU64be, u64be } from '../../bytes.ts';
import { fail, ok, type Decoded } from '../../result.ts';
import { APP_CLA, INS } from './ids.ts';
import { parsePlain } from './reply.ts';
import { decodeAscii, decodeText, encodeUtf8 } from './text.ts';

export const MEDICAL_CODE_MAX = 8;
export const MEDICAL_NOTE_MAX = 48;
/** Bytes a record slot takes on the card. */
export const MEDICAL_RECORD_MAX = 8 + 1 + MEDICAL_CODE_MAX + 1 + MEDICAL_NOTE_MAX;
const CODE = /^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/;

export interface MedicalRecord {
  date: number;
  code: string;
  note: string;
}

export function encodeMedicalRecord(r: MedicalRecord): Uint8Array {
  const code = Uint8Array.from(r.code, (c) => c.charCodeAt(0));
  const note = encodeUtf8(r.note);
  const b = concat(u64be(r.date), Uint8Array.of(code.length), code, Uint8Array.of(note.length & 0xff), note);
  if (!decodeMedicalRecord(b).ok) throw new RangeError(`not a valid medical record: ${r.code} "${r.note}"`);
  return b;
}

export function decodeMedicalRecord(b: Uint8Array): Decoded<MedicalRecord> {
  const what = 'medical record';
  if (b.length < 10) return fail(what, 'truncated');
  const date = readU64be(b, 0);
  if (!Number.isSafeInteger(date)) return fail(what, 'date beyond 2^53', 0);
  const codeLen = b[8] as number;
  const code = decodeAscii(b.subarray(9, 9 + codeLen), CODE, 'diagnosis code');
  if (codeLen > MEDICAL_CODE_MAX || 9 + codeLen >= b.length || !code.ok) return code.ok ? fail(what, 'bad code length', 8) : code;
  const noteLen = b[9 + codeLen] as number;
  if (10 + codeLen + noteLen !== b.length) return fail(what, 'note length does not match', 9 + codeLen);
  const note = decodeText(b.subarray(10 + codeLen), 0, MEDICAL_NOTE_MAX, 'note');
  if (!note.ok) return note;
  return ok({ date, code: code.value, note: note.value });
}

export const medicalReadRecord = {
  getApdu: (n: number): CommandApdu => command(APP_CLA, INS.medical.readRecord, n, 0, undefined, 256),
  parseResponse: (r: Uint8Array): MedicalRecord => parsePlain(r, 'READ RECORD', decodeMedicalRecord),
};

export const medicalAppendRecord = {
  getApdu: (rec: MedicalRecord): CommandApdu => command(APP_CLA, INS.medical.appendRecord, 0, 0, encodeMedicalRecord(rec), 1),
  parseResponse: (r: Uint8Array): number => parsePlain(r, 'APPEND RECORD', (d) => (d.length === 1 ? ok(d[0] as number) : fail('append record', 'expected the new count'))),
};

export const medicalCount = {
  getApdu: (): CommandApdu => command(APP_CLA, INS.medical.count, 0, 0, undefined, 2),
  parseResponse: (r: Uint8Array): { count: number; capacity: number } =>
    parsePlain(r, 'RECORD COUNT', (d) => (d.length === 2 ? ok({ count: d[0] as number, capacity: d[1] as number }) : fail('record count', 'expected 2 bytes'))),
};
