import type { Db, Queryable } from '../db/db.ts';
import { num, str } from '../db/db.ts';
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
  application: number;
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

async function nextLoadCounter(q: Queryable, cardNumber: string, application: number): Promise<number> {
  const rows = await q.query(`SELECT coalesce(max(counter), 0) AS c FROM ledger WHERE card_number = $1 AND application = $2 AND entry = 'load'`, [
    cardNumber,
    application,
  ]);
  return num(rows[0]?.['c'] ?? 0) + 1;
}

/** Issues a load token and records it in the same transaction (no token without its row). */
export async function issueLoad(
  db: Db,
  authority: Authority,
  card: CardIdentity,
  application: number,
  amount: number,
  reason: string,
  q?: Queryable,
): Promise<{ token: Uint8Array; counter: number }> {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new IssuerError('BAD_REQUEST', `amount must be a positive whole number, got ${amount}`);
  if (!Number.isInteger(application) || application < 0 || application > 255) {
    throw new IssuerError('BAD_REQUEST', `application must be 0..255, got ${application}`);
  }
  const run = async (tx: Queryable) => {
    const state = (await getCard(tx, authority, card.cardNumber)).state;
    if (state !== 'active') throw new IssuerError('CARD_STOPPED', `card ${card.cardNumber} is stop-listed: no value is loaded onto it`);
    const counter = await nextLoadCounter(tx, card.cardNumber, application);
    const token = authority.loadToken(card, application, amount, counter);
    await tx.query(
      `INSERT INTO ledger (card_number, application, entry, amount, counter, document, reason) VALUES ($1, $2, 'load', $3, $4, $5, $6)`,
      [card.cardNumber, application, amount, counter, token, reason],
    );
    return { token, counter };
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
      `INSERT INTO ledger (card_number, application, entry, amount, counter, document, after_stop)
       VALUES ($1, $2, 'spend', $3, $4, $5, $6) ON CONFLICT (card_number, application, entry, counter) DO NOTHING RETURNING id`,
      [cardNumber, r.application, r.amount, r.counter, receipt, afterStop],
    );
    const id = rows[0]?.['id'];
    if (id === undefined) throw new IssuerError('REPLAYED', `receipt ${r.counter} of card ${cardNumber} was already handed in`);
    return {
      entry: { id: num(id), cardNumber, application: r.application, entry: 'spend', amount: r.amount, counter: r.counter, afterStop, reason: '' },
      issuerLoss: afterStop,
    };
  });
}

export async function ledgerEntries(q: Queryable, cardNumber?: string, limit = 200): Promise<LedgerEntry[]> {
  const rows = await q.query(
    `SELECT id, card_number, application, entry, amount, counter, after_stop, reason FROM ledger
      ${cardNumber ? 'WHERE card_number = $2' : ''} ORDER BY id DESC LIMIT $1`,
    cardNumber ? [limit, cardNumber] : [limit],
  );
  return rows.map((r) => ({
    id: num(r['id']),
    cardNumber: str(r['card_number']),
    application: num(r['application']),
    entry: str(r['entry']) as 'load' | 'spend',
    amount: num(r['amount']),
    counter: num(r['counter']),
    afterStop: r['after_stop'] === true,
    reason: str(r['reason']),
  }));
}
