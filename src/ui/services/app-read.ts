/** Reading each application's data through its own READ commands (docs/protocol-apps.md). */
import { select } from '../../protocol/commands/index.ts';
import {
  APP_AID,
  creditRead,
  emoneyReadBalance,
  emoneyReadLog,
  idRead,
  medicalCount,
  medicalReadRecord,
  membershipRead,
  type AppKey,
  type IdField,
} from '../../protocol/commands/apps/index.ts';
import { hex } from '../../protocol/bytes.ts';
import { encodeCommand, type CommandApdu } from '../../protocol/apdu.ts';
import type { Transport } from '../../protocol/transport.ts';
import type { AppField, AppInfo, AppKind } from '../model.ts';

const KIND: Record<AppKey, AppKind> = { emoney: 'emoney', credit: 'credit', id: 'id', medical: 'medical', membership: 'membership' };

/** The application kind of an AID, or undefined for an application this app does not know. */
export function kindOfAid(aid: Uint8Array): AppKind | undefined {
  const h = hex(aid);
  for (const [key, a] of Object.entries(APP_AID)) if (hex(a) === h) return KIND[key as AppKey];
  return undefined;
}

export const aidOf = (kind: AppKind): Uint8Array => APP_AID[kind];

export async function run<T>(t: Transport, apdu: CommandApdu, parse: (r: Uint8Array) => T): Promise<T> {
  return parse(await t.transmit(encodeCommand(apdu)));
}

export const selectApp = (t: Transport, kind: AppKind) => run(t, select.getApdu(aidOf(kind)), (r) => select.parseResponse(r));

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const field = (id: string, value: string): AppField => ({ id, value });
const utf8 = new TextDecoder();

async function readIdField(t: Transport, f: IdField): Promise<string> {
  const r = await run(t, idRead.getApdu(f, 0), (x) => idRead.parseResponse(x));
  return utf8.decode(r.chunk);
}

type Read = Pick<AppInfo, 'value' | 'fields'>;

const readers: Record<AppKind, (t: Transport) => Promise<Read>> = {
  async emoney(t) {
    const balance = await run(t, emoneyReadBalance.getApdu(), (r) => emoneyReadBalance.parseResponse(r));
    const log = await run(t, emoneyReadLog.getApdu(), (r) => emoneyReadLog.parseResponse(r));
    const last = log.value.find((e) => e.date > 0);
    return { value: { amount: balance.value, unit: 'yen' }, fields: last ? [field('lastUse', isoDay(last.date))] : [] };
  },
  async credit(t) {
    const a = await run(t, creditRead.getApdu(), (r) => creditRead.parseResponse(r));
    const expires = `${String(a.expiry.month).padStart(2, '0')}/${String(a.expiry.year % 100).padStart(2, '0')}`;
    return {
      value: null,
      fields: [field('holder', a.holder), field('pan', a.pan), field('expires', expires), field('limit', `¥${a.limit.toLocaleString('en')}`), field('brand', a.brand)],
    };
  },
  async id(t) {
    const birth = await run(t, idRead.getApdu('birth', 0), (x) => idRead.parseResponse(x));
    const b = birth.chunk;
    const birthDate = b.length === 4 ? `${((b[0] ?? 0) << 8) | (b[1] ?? 0)}-${String(b[2]).padStart(2, '0')}-${String(b[3]).padStart(2, '0')}` : '';
    return { value: null, fields: [field('name', await readIdField(t, 'name')), field('birthDate', birthDate), field('address', await readIdField(t, 'address'))] };
  },
  async medical(t) {
    const { count } = await run(t, medicalCount.getApdu(), (r) => medicalCount.parseResponse(r));
    const fields: AppField[] = [];
    for (let n = 1; n <= count; n++) {
      const rec = await run(t, medicalReadRecord.getApdu(n), (r) => medicalReadRecord.parseResponse(r));
      fields.push(field('record', `${isoDay(rec.date)} ${rec.code} ${rec.note}`));
    }
    return { value: null, fields };
  },
  async membership(t) {
    const m = await run(t, membershipRead.getApdu(), (r) => membershipRead.parseResponse(r));
    const tier = m.value.tier.charAt(0).toUpperCase() + m.value.tier.slice(1);
    return { value: { amount: m.value.points, unit: 'points' }, fields: [field('memberNo', m.value.memberNumber), field('tier', tier)] };
  },
};

/** SELECT the application, then its READ commands. */
export async function readApp(t: Transport, kind: AppKind): Promise<Read> {
  await selectApp(t, kind);
  return readers[kind](t);
}
