/**
 * Medical records (fig. 21): a list of dated diagnoses with notes. AID A0000009990204.
 * Not value: a restore brings the records back as they were. READ RECORD and APPEND need
 * the PIN (issue 10); COUNT (how many records, not what they say) does not.
 *
 * Area layout (1024 bytes): 0 layout version u8 (1)   1 count u8
 *   2 + i*66: record slot i (a record as encoded by protocol/commands/apps/medical.ts,
 *   then unused bytes), 15 slots. A full list answers 6A84 to APPEND.
 * APPEND writes the slot, then the count, in one atomic: a power cut leaves the list
 * with or without the new record, never a count that points at a half-written slot.
 */
import { APP_AID, INS } from '../../protocol/commands/apps/ids.ts';
import { decodeMedicalRecord, encodeMedicalRecord, MEDICAL_RECORD_MAX } from '../../protocol/commands/apps/medical.ts';
import { parseIsoDate } from '../../protocol/commands/apps/text.ts';
import { SW } from '../../protocol/status-words.ts';
import type { AppContext, CardApplication } from '../app-api.ts';
import { dispatch, answer, type CommandSpec } from './dispatch.ts';
import { seedEncode, seedString } from './seed.ts';

export const MEDICAL_CAPACITY = 15;
const slotAt = (i: number) => 2 + i * MEDICAL_RECORD_MAX;
const count = (ctx: AppContext) => Math.min(ctx.read(1, 1)[0] ?? 0, MEDICAL_CAPACITY);

/** A record's stored bytes: its own length fields say where it ends. */
function readRecord(ctx: AppContext, i: number): Uint8Array {
  const slot = ctx.read(slotAt(i), MEDICAL_RECORD_MAX);
  const codeLen = Math.min(slot[8] ?? 0, MEDICAL_RECORD_MAX - 10);
  const noteLen = slot[9 + codeLen] ?? 0;
  return slot.slice(0, Math.min(10 + codeLen + noteLen, MEDICAL_RECORD_MAX));
}

function append(ctx: AppContext, record: Uint8Array, n: number): void {
  ctx.write(slotAt(n), record);
  ctx.write(1, Uint8Array.of(n + 1));
}

const specs: readonly CommandSpec[] = [
  {
    ins: INS.medical.readRecord,
    lc: [0, 0],
    params: (p1, p2) => p1 >= 1 && p2 === 0,
    // Health data: read only by the holder's PIN (issue 10), 6982 without it. COUNT stays open.
    pin: true,
    run: (cmd, ctx) => (cmd.p1 > count(ctx) ? answer(SW.REFERENCE_NOT_FOUND) : answer(SW.OK, readRecord(ctx, cmd.p1 - 1))),
  },
  {
    ins: INS.medical.appendRecord,
    lc: [10, MEDICAL_RECORD_MAX],
    pin: true,
    run: (cmd, ctx) => {
      if (!decodeMedicalRecord(cmd.data).ok) return answer(SW.WRONG_DATA);
      const n = count(ctx);
      if (n >= MEDICAL_CAPACITY) return answer(SW.NOT_ENOUGH_MEMORY);
      ctx.atomic(() => append(ctx, cmd.data, n));
      return answer(SW.OK, Uint8Array.of(n + 1));
    },
  },
  { ins: INS.medical.count, lc: [0, 0], run: (_cmd, ctx) => answer(SW.OK, Uint8Array.of(count(ctx), MEDICAL_CAPACITY)) },
];

/** Seed form: one record a line, "YYYY-MM-DD|CODE|note". */
function recordsFromSeed(text: string): Uint8Array[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length > MEDICAL_CAPACITY) throw new TypeError(`seed medical.records: more than ${MEDICAL_CAPACITY} records`);
  return lines.map((line) => {
    const [date, code, ...note] = line.split('|');
    const day = parseIsoDate(date ?? '');
    const ms = day ? Date.UTC(day.year, day.month - 1, day.day) : -1;
    return seedEncode('medical.records', () => encodeMedicalRecord({ date: ms, code: code ?? '', note: note.join('|') }));
  });
}

export const medicalApp: CardApplication = {
  aid: APP_AID.medical,
  name: 'medical',
  areaSize: 1024,
  holdsValue: false,
  install(ctx, seed) {
    const records = recordsFromSeed(seedString(seed, 'medical.records'));
    ctx.atomic(() => {
      ctx.write(0, Uint8Array.of(1, 0));
      records.forEach((r, i) => append(ctx, r, i));
    });
  },
  process: (cmd, ctx) => dispatch(cmd, ctx, specs),
};
