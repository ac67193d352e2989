/**
 * Reading each application's data through its own READ commands (docs/protocol-apps.md).
 * Data only: codes and numbers (the credit limit in yen, the membership tier's code);
 * the UI's translations and formats turn them into words.
 */
import { APP_AID, type AppKey, type IdField } from '../protocol/commands/apps/index.ts';
import { hex } from '../protocol/bytes.ts';
import { CardError } from '../protocol/commands/card-error.ts';
import type { Transport } from '../protocol/transport.ts';
import { command, send } from './command.ts';

/** The five applications of the patent's fig. 21 demo card. */
export type AppKind = AppKey;
export const APP_KINDS: readonly AppKind[] = ['emoney', 'credit', 'id', 'medical', 'membership'];

/** One data item of an application; `id` names it (the UI picks the translated label). */
export interface AppField {
  id: string;
  value: string;
}

/** A value an application holds: yen for e-money, points for membership. */
export interface AppValue {
  amount: number;
  unit: 'yen' | 'points';
}

export interface AppData {
  value: AppValue | null;
  fields: readonly AppField[];
  /** How many records the application keeps (medical), else null. */
  records: number | null;
  /**
   * The card kept the data back: credit, ID and medical data are read only with the
   * cardholder PIN verified in this card session (issue 10, 6982). No fields then.
   */
  locked?: true;
}

/** A read the card refuses for want of the PIN (6982) answers "locked", not an error. */
async function unlessLocked(read: () => Promise<AppData>, locked: AppData): Promise<AppData> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof CardError && e.code === 'SECURITY_NOT_SATISFIED') return { ...locked, locked: true };
    throw e;
  }
}

/** The application kind of an AID, or undefined for an application this app does not know. */
export function kindOfAid(aid: Uint8Array): AppKind | undefined {
  const h = hex(aid);
  for (const [key, a] of Object.entries(APP_AID)) if (hex(a) === h) return key as AppKind;
  return undefined;
}

export const unitOf = (kind: AppKind): AppValue['unit'] => (kind === 'membership' ? 'points' : 'yen');

export const selectApp = (t: Transport, kind: AppKind) => send(t, command('SELECT', APP_AID[kind]));

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const field = (id: string, value: string): AppField => ({ id, value });
const utf8 = new TextDecoder();

async function readIdField(t: Transport, f: IdField): Promise<string> {
  const r = await send(t, command('ID READ', f, 0));
  return utf8.decode(r.chunk);
}

const readers: Record<AppKind, (t: Transport) => Promise<AppData>> = {
  async emoney(t) {
    const balance = await send(t, command('e-money READ BALANCE'));
    const log = await send(t, command('e-money READ LOG'));
    const last = log.find((e) => e.date > 0);
    return { value: { amount: balance, unit: 'yen' }, fields: last ? [field('lastUse', isoDay(last.date))] : [], records: null };
  },
  credit: (t) =>
    unlessLocked(
      async () => {
        const a = await send(t, command('credit READ'));
        const expires = `${String(a.expiry.month).padStart(2, '0')}/${String(a.expiry.year % 100).padStart(2, '0')}`;
        return {
          value: null,
          fields: [field('holder', a.holder), field('pan', a.pan), field('expires', expires), field('limit', String(a.limit)), field('brand', a.brand)],
          records: null,
        };
      },
      { value: null, fields: [], records: null },
    ),
  id: (t) =>
    unlessLocked(
      async () => {
        const birth = await send(t, command('ID READ', 'birth', 0));
        const b = birth.chunk;
        const birthDate = b.length === 4 ? `${((b[0] ?? 0) << 8) | (b[1] ?? 0)}-${String(b[2]).padStart(2, '0')}-${String(b[3]).padStart(2, '0')}` : '';
        return { value: null, fields: [field('name', await readIdField(t, 'name')), field('birthDate', birthDate), field('address', await readIdField(t, 'address'))], records: null };
      },
      { value: null, fields: [], records: null },
    ),
  async medical(t) {
    // COUNT is open; the records themselves need the PIN.
    const { count } = await send(t, command('medical COUNT'));
    return unlessLocked(
      async () => {
        const fields: AppField[] = [];
        for (let n = 1; n <= count; n++) {
          const rec = await send(t, command('medical READ RECORD', n));
          fields.push(field('record', `${isoDay(rec.date)} ${rec.code} ${rec.note}`));
        }
        return { value: null, fields, records: count };
      },
      { value: null, fields: [], records: count },
    );
  },
  async membership(t) {
    const m = await send(t, command('membership READ'));
    return { value: { amount: m.points, unit: 'points' }, fields: [field('memberNo', m.memberNumber), field('tier', m.tier)], records: null };
  },
};

/** SELECT the application, then its READ commands. */
export async function readApp(t: Transport, kind: AppKind): Promise<AppData> {
  await selectApp(t, kind);
  return readers[kind](t);
}
