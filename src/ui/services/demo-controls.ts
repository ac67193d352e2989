/**
 * Demo controls that act through the card's own commands, as a shop terminal or the
 * issuer's counter would (docs/protocol-apps.md). The demo terminal knows the demo PIN
 * for the commands that need it (loading value, adding a medical record).
 */
import { emoneyCredit, emoneyDebit, medicalAppendRecord, membershipAddPoints } from '../../protocol/commands/apps/index.ts';
import { verifyPin } from '../../protocol/commands/index.ts';
import type { Transport } from '../../protocol/transport.ts';
import type { RecordEdit } from '../model.ts';
import { run, selectApp } from './app-read.ts';
import { DEMO_PIN } from './demo-pin.ts';
import { ServiceError } from './errors.ts';

type ValueChange = { getApdu(amount: number, date: number): Parameters<typeof run>[1]; parseResponse(r: Uint8Array): { valueReset: boolean } };

/**
 * A value command; if the card answers 6283 (restored: it has just reset the value and
 * did not run the command), send it once more against the value that exists now.
 */
async function valueCommand(t: Transport, cmd: ValueChange, amount: number): Promise<void> {
  const first = await run(t, cmd.getApdu(amount, Date.now()), (r) => cmd.parseResponse(r));
  if (first.valueReset) await run(t, cmd.getApdu(amount, Date.now()), (r) => cmd.parseResponse(r));
}

const presentDemoPin = (t: Transport) => run(t, verifyPin.getApdu(DEMO_PIN), (r) => verifyPin.parseResponse(r));

export async function spend(t: Transport, amount: number): Promise<void> {
  await selectApp(t, 'emoney');
  await valueCommand(t, emoneyDebit, amount);
}

export async function load(t: Transport, amount: number): Promise<void> {
  await selectApp(t, 'emoney');
  await presentDemoPin(t);
  await valueCommand(t, emoneyCredit, amount);
}

export async function addPoints(t: Transport, points: number): Promise<void> {
  await selectApp(t, 'membership');
  await valueCommand(t, membershipAddPoints, points);
}

/** The medical application keeps a list: an edit adds a dated record (ICD-10 Z88: allergy status). */
export async function editRecord(t: Transport, edit: RecordEdit): Promise<void> {
  if (edit.app !== 'medical' || edit.field !== 'allergy') throw new ServiceError('card-refused', `the demo edits medical allergy records, not ${edit.app}.${edit.field}`);
  await selectApp(t, 'medical');
  await presentDemoPin(t);
  const note = `Allergy: ${edit.value.trim()}`;
  let record;
  try {
    record = medicalAppendRecord.getApdu({ date: Date.now(), code: 'Z88.9', note });
  } catch (e) {
    throw new ServiceError('card-refused', `not a record the card takes: ${note}`, { cause: e });
  }
  await run(t, record, (r) => medicalAppendRecord.parseResponse(r));
}
