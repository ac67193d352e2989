/** Sample card data for the UI's own tests: the five applications of fig. 21. Test only. */
import type { AppInfo, CardInfo, PageOwner } from '../../src/ui/model.ts';

export const PAGE_SIZE = 64;

/** [owner, pages] in memory order. */
const LAYOUT: ReadonlyArray<readonly [PageOwner, number]> = [
  ['system', 24],
  ['emoney', 8],
  ['credit', 16],
  ['id', 24],
  ['medical', 48],
  ['membership', 12],
  ['free', 60],
];

export function owners(): PageOwner[] {
  return LAYOUT.flatMap(([o, n]) => Array<PageOwner>(n).fill(o));
}

/** First page of an owner's area. */
export function firstPage(owner: PageOwner): number {
  let p = 0;
  for (const [o, n] of LAYOUT) {
    if (o === owner) return p;
    p += n;
  }
  throw new RangeError(owner);
}

export function sampleApps(): AppInfo[] {
  const app = (kind: AppInfo['kind'], n: number, holdsValue: boolean, fields: [string, string][], value: AppInfo['value'] = null): AppInfo => ({
    kind,
    aid: `A00000099902${n.toString(16).padStart(2, '0')}`,
    holdsValue,
    value,
    fields: fields.map(([id, v]) => ({ id, value: v })),
    restoredFlag: false,
    records: kind === 'medical' ? fields.length : null,
  });
  return [
    app('emoney', 1, true, [['lastUse', '2026-11-20']], { amount: 12_480, unit: 'yen' }),
    app('credit', 2, false, [['holder', 'HANAKO YAMADA'], ['brand', 'Demo Card'], ['expires', '08/29'], ['limit', '500000']]),
    app('id', 3, false, [['holder', '山田 花子'], ['birthDate', '1988-04-12'], ['address', '東京都千代田区丸の内1-1']]),
    app('medical', 4, false, [['bloodType', 'A+'], ['allergies', 'Penicillin'], ['medication', 'None'], ['doctor', 'Dr. Sato, Chiyoda Clinic']]),
    app('membership', 5, true, [['tier', 'Gold'], ['memberSince', '2019-06-01']], { amount: 3_250, unit: 'points' }),
  ];
}

export function sampleCard(cardNumber = '4980123456789012'): CardInfo {
  const o = owners();
  return {
    cardNumber,
    issuer: { id: 'SKR1', name: 'Sakura Demo Issuer' },
    apps: sampleApps(),
    memory: { pageSize: PAGE_SIZE, pageCount: o.length, owners: o, changedCount: 0, changedPages: [] },
    pin: { triesLeft: 3, maxTries: 3, blocked: false },
    lastBackupSeq: null,
    protocol: 'T=1',
  };
}
