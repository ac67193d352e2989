import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Db } from '../../issuer/db/db.ts';
import { openPglite } from '../../issuer/db/pglite.ts';
import { migrate } from '../../issuer/db/migrate.ts';
import { ensureCard } from '../../issuer/store/cards.ts';
import { balance, issueLoad, issuerLosses, recordReceipt } from '../../issuer/store/ledger.ts';
import { approveReplacement, personaliseReplacement, register, reissueValue, reportLost } from '../../issuer/store/lost.ts';
import { uploadBackup } from '../../issuer/store/backups.ts';
import { dbBlobStore } from '../../issuer/store/blob-store.ts';
import { TestCard, testAuthority } from './support/test-authority.ts';
import { makeBackup } from './support/backups.ts';
import type { Authority } from '../../issuer/authority.ts';

// Random stories of loads, spends, backups, losses, replacements and late receipts.
// The settlement rule (docs/issuer.md): at the stop the lost card's ledger balance is
// re-issued to its replacement (not money in); value left on the lost card is void; every
// spend receipted after the stop is paid out by the issuer as its loss. So, once each
// story ends (lost cards replaced, receipts handed in):
//   value on live cards == paid loads - spends + issuer losses
// (issuer losses = spends of void value), and each live card's ledger balance equals the
// value it holds.

interface SimCard {
  card: TestCard;
  value: number;
  spendCounter: number;
  loadCounter: number;
  pending: Uint8Array[];
  live: boolean;
  code: string;
  replaced: boolean;
  seq: number;
  head: Uint8Array | undefined;
}

type Op =
  | { t: 'load'; i: number; amount: number }
  | { t: 'spend'; i: number; amount: number; now: boolean }
  | { t: 'deliver'; i: number }
  | { t: 'backup'; i: number }
  | { t: 'lose'; i: number }
  | { t: 'replace'; i: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('load' as const), i: fc.nat(5), amount: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ t: fc.constant('spend' as const), i: fc.nat(5), amount: fc.integer({ min: 1, max: 300 }), now: fc.boolean() }),
  fc.record({ t: fc.constant('deliver' as const), i: fc.nat(5) }),
  fc.record({ t: fc.constant('backup' as const), i: fc.nat(5) }),
  fc.record({ t: fc.constant('lose' as const), i: fc.nat(5) }),
  fc.record({ t: fc.constant('replace' as const), i: fc.nat(5) }),
);

let serial = 0;
const AID = 'A000000001';

describe('value is conserved over random stories', () => {
  let db: Db;
  const authority = testAuthority();
  const a: Authority = authority;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
  });

  async function newSim(card: TestCard): Promise<SimCard> {
    await ensureCard(db, a, card.certificate);
    return { card, value: 0, spendCounter: 0, loadCounter: 0, pending: [], live: true, code: await register(db, card.cardNumber), replaced: false, seq: 0, head: undefined };
  }

  async function replace(s: SimCard, cards: SimCard[]): Promise<void> {
    await approveReplacement(db, 'operator', s.card.cardNumber);
    const blank = new TestCard(authority);
    const p = await personaliseReplacement(db, a, s.card.cardNumber, s.code, { signKey: blank.signKey, boxKey: blank.boxKey }, '1234');
    blank.personalised(p.cardNumber, p.certificate);
    const n = await newSim(blank);
    for (const t of await reissueValue(db, a, a.checkCardCertificate(blank.certificate))) {
      n.value += t.amount;
      n.loadCounter++;
    }
    s.replaced = true;
    cards.push(n);
  }

  it('value on live cards == paid loads - spends + issuer losses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 16 }), async (ops) => {
        const lossesBefore = await issuerLosses(db);
        const cards: SimCard[] = [];
        for (let k = 0; k < 2; k++) cards.push(await newSim(new TestCard(authority, `5${String(++serial).padStart(15, '0')}`)));
        let paid = 0;
        let spent = 0;
        for (const o of ops) {
          const s = cards[o.i % cards.length] as SimCard;
          switch (o.t) {
            case 'load':
              if (!s.live) break;
              await issueLoad(db, a, a.checkCardCertificate(s.card.certificate), AID, o.amount, ++s.loadCounter, 'paid');
              s.value += o.amount;
              paid += o.amount;
              break;
            case 'spend': {
              // The card spends what it holds, stopped or not (a finder may use a lost card offline).
              if (s.value < o.amount) break;
              s.value -= o.amount;
              spent += o.amount;
              const r = s.card.receipt(AID, o.amount, ++s.spendCounter);
              if (o.now) await recordReceipt(db, a, s.card.cardNumber, r);
              else s.pending.push(r);
              break;
            }
            case 'deliver':
              for (const r of s.pending.splice(0)) await recordReceipt(db, a, s.card.cardNumber, r);
              break;
            case 'backup': {
              if (!s.live) break;
              const b = makeBackup({ issuer: a.issuerId, cardNumber: s.card.cardNumber, seq: s.seq + 1, ...(s.head ? { prev: s.head } : {}) });
              await uploadBackup(db, dbBlobStore, a, a.checkCardCertificate(s.card.certificate), s.card.frame(b.header, b.records), undefined, { quotaBytes: 1e9 });
              s.seq++;
              s.head = b.hash;
              break;
            }
            case 'lose':
              if (!s.live) break;
              await reportLost(db, a, s.card.cardNumber, s.code, Date.now());
              s.live = false;
              break;
            case 'replace':
              if (!s.live && !s.replaced) await replace(s, cards);
              break;
          }
        }
        // The story ends: every lost card is replaced, every receipt handed in.
        for (const s of [...cards]) if (!s.live && !s.replaced) await replace(s, cards);
        for (const s of cards) for (const r of s.pending.splice(0)) await recordReceipt(db, a, s.card.cardNumber, r);
        const losses = (await issuerLosses(db)) - lossesBefore;
        const live = cards.filter((s) => s.live);
        const liveValue = live.reduce((sum, s) => sum + s.value, 0);
        expect(liveValue).toBe(paid - spent + losses);
        for (const s of live) expect(await balance(db, s.card.cardNumber)).toBe(s.value);
      }),
      { numRuns: 10 },
    );
  });
});
