import type { Db, Queryable } from '../db/db.ts';
import { bytes, num, str } from '../db/db.ts';
import type { Authority, CardIdentity } from '../authority.ts';
import { IssuerError } from '../errors.ts';
import { getCard } from './cards.ts';

// The ledger (docs/trust.md, "Value"): loads are issued load tokens, spends are
// card-signed receipts. A card's balance = loads - spends receipted before its stop.
// A spend receipted after the stop cannot be charged to any card (the holder's value was
// re-issued at the stop): it is the issuer's loss, recorded with after_stop = true.

export interface LedgerEntry {
  id: number;
  cardNumber: string;
  aid: string;
  entry: 'load' | 'spend';
  amount: number;
  counter: number;
  afterStop: boolean;
  reason: string;
}

/** Loads minus spends receipted before the stop, over all applications of the card. */
export async function balance(q: Queryable, cardNumber: string): Promise<number> {
  const rows = await q.query(
    `SELECT coalesce(sum(CASE WHEN entry = 'load' THEN amount ELSE -amount END), 0) AS b
       FROM ledger WHERE card_number = $1 AND NOT after_stop`,
    [cardNumber],
  );
  return num(rows[0]?.['b'] ?? 0);
}

export async function issuerLosses(q: Queryable): Promise<number> {
  const rows = await q.query(`SELECT coalesce(sum(amount), 0) AS l FROM ledger WHERE entry = 'spend' AND after_stop`);
  return num(rows[0]?.['l'] ?? 0);
}

export const isAid = (aid: string) => /^([0-9A-F]{2}){5,16}$/.test(aid);

/**
 * Issues a load token and records it in the same transaction (no token without its row).
 * The card accepts a token only for its load counter + 1, so one token per counter value:
 * asking again for the same counter and amount answers the same token (a retry), another
 * amount for a counter already issued is refused.
 */
export async function issueLoad(
  db: Db,
  authority: Authority,
  card: CardIdentity,
  aid: string,
  amount: number,
  loadCounter: number,
  reason: string,
  q?: Queryable,
): Promise<{ token: Uint8Array; counter: number; created: boolean }> {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > 0xffffffff) throw new IssuerError('BAD_REQUEST', `amount must be a whole number in 1..2^32-1, got ${amount}`);
  if (!isAid(aid)) throw new IssuerError('BAD_REQUEST', `aid must be 5..16 bytes of upper-case hex, got "${aid.slice(0, 40)}"`);
  if (!Number.isSafeInteger(loadCounter) || loadCounter < 1 || loadCounter > 0xffffffff) throw new IssuerError('BAD_REQUEST', `load counter must be 1..2^32-1, got ${loadCounter}`);
  const run = async (tx: Queryable) => {
    const state = (await getCard(tx, authority, card.cardNumber)).state;
    if (state !== 'active') throw new IssuerError('CARD_STOPPED', `card ${card.cardNumber} is stop-listed: no value is loaded onto it`);
    const had = await tx.query(`SELECT amount, document FROM ledger WHERE card_number = $1 AND aid = $2 AND entry = 'load' AND counter = $3`, [card.cardNumber, aid, loadCounter]);
    if (had[0]) {
      if (num(had[0]['amount']) !== amount) throw new IssuerError('REPLAYED', `a load token for counter ${loadCounter} of ${aid} on card ${card.cardNumber} was already issued for another amount`);
      return { token: bytes(had[0]['document']), counter: loadCounter, created: false };
    }
    const token = authority.loadToken(card, aid, amount, loadCounter);
    await tx.query(
      `INSERT INTO ledger (card_number, aid, entry, amount, counter, document, reason) VALUES ($1, $2, 'load', $3, $4, $5, $6)`,
      [card.cardNumber, aid, amount, loadCounter, token, reason],
    );
    return { token, counter: loadCounter, created: true };
  };
  return q ? run(q) : db.transaction(run);
}

/**
 * A terminal hands in a spend receipt. Forged receipts are refused; a receipt seen
 * before is a replay (409). A receipt of a stopped card is still recorded, as the
 * issuer's loss, and answered with lateness so the terminal knows.
 */
export async function recordReceipt(
  db: Db,
  authority: Authority,
  cardNumber: string,
  receipt: Uint8Array,
): Promise<{ entry: LedgerEntry; issuerLoss: boolean }> {
  const card = await getCard(db, authority, cardNumber);
  let r;
  try {
    r = authority.verifyReceipt(card.identity, receipt);
  } catch (cause) {
    throw new IssuerError('BAD_SIGNATURE', `spend receipt refused: ${(cause as Error).message}`, { cause });
  }
  if (r.cardNumber !== cardNumber) throw new IssuerError('BAD_REQUEST', `the receipt is of card ${r.cardNumber}, not ${cardNumber}`);
  return db.transaction(async (tx) => {
    const afterStop = card.state !== 'active';
    const rows = await tx.query(
      `INSERT INTO ledger (card_number, aid, entry, amount, counter, document, after_stop)
       VALUES ($1, $2, 'spend', $3, $4, $5, $6) ON CONFLICT (card_number, aid, entry, counter) DO NOTHING RETURNING id`,
      [cardNumber, r.aid, r.amount, r.counter, receipt, afterStop],
    );
    const id = rows[0]?.['id'];
    if (id === undefined) throw new IssuerError('REPLAYED', `receipt ${r.counter} of card ${cardNumber} was already handed in`);
    return {
      entry: { id: num(id), cardNumber, aid: r.aid, entry: 'spend', amount: r.amount, counter: r.counter, afterStop, reason: '' },
      issuerLoss: afterStop,
    };
  });
}

export async function ledgerEntries(q: Queryable, cardNumber?: string, limit = 200): Promise<LedgerEntry[]> {
  const rows = await q.query(
    `SELECT id, card_number, aid, entry, amount, counter, after_stop, reason FROM ledger
      ${cardNumber ? 'WHERE card_number = $2' : ''} ORDER BY id DESC LIMIT $1`,
    cardNumber ? [limit, cardNumber] : [limit],
  );
  return rows.map((r) => ({
    id: num(r['id']),
    cardNumber: str(r['card_number']),
    aid: str(r['aid']),
    entry: str(r['entry']) as 'load' | 'spend',
    amount: num(r['amount']),
    counter: num(r['counter']),
    afterStop: r['after_stop'] === true,
    reason: str(r['reason']),
  }));
}
