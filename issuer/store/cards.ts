import type { Db, Queryable } from '../db/db.ts';
import { bytes, num, str } from '../db/db.ts';
import type { Authority, CardIdentity } from '../authority.ts';
import { IssuerError } from '../errors.ts';
import { ZERO_HASH } from '../../src/protocol/backup-format.ts';
import { equal } from '../../src/protocol/bytes.ts';

export type CardState = 'active' | 'stopped' | 'replaced';

export interface CardRow {
  identity: CardIdentity;
  state: CardState;
  registered: boolean;
  replaces: string | null;
}

/** A card the issuer certified enters the table the first time it shows its certificate
 *  (the demo's cards are personalised in the browser by the same issuer keys), with an
 *  empty chain (head = 32 zero bytes, seq 0). */
export async function ensureCard(db: Db, authority: Authority, certificate: Uint8Array): Promise<CardRow> {
  let identity: CardIdentity;
  try {
    identity = authority.checkCardCertificate(certificate);
  } catch (cause) {
    throw new IssuerError('BAD_CERTIFICATE', `card certificate refused: ${(cause as Error).message}`, { cause });
  }
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO cards (card_number, certificate, sign_key, state) VALUES ($1, $2, $3, 'active') ON CONFLICT (card_number) DO NOTHING`,
      [identity.cardNumber, certificate, identity.signKey],
    );
    await tx.query(`INSERT INTO chain_heads (card_number, seq, head_hash) VALUES ($1, 0, $2) ON CONFLICT (card_number) DO NOTHING`, [
      identity.cardNumber,
      ZERO_HASH,
    ]);
  });
  const row = await getCard(db, authority, identity.cardNumber);
  if (!equal(row.identity.signKey, identity.signKey)) {
    // Another card holds this number (its key was seen first). A code of its own: the
    // demo's sample cards are made in the browser and take the next number then (src/ui/services/demo-world.ts).
    throw new IssuerError('CARD_NUMBER_TAKEN', `card ${identity.cardNumber} is known with another key: the number belongs to another card`);
  }
  return row;
}

const toRow = (authority: Authority, r: Record<string, unknown>): CardRow => ({
  identity: authority.checkCardCertificate(bytes(r['certificate'])),
  state: str(r['state']) as CardState,
  registered: r['registered'] === true,
  replaces: r['replaces'] === null ? null : str(r['replaces']),
});

/** The card a session token speaks for, with its expiry, in one round trip. */
export async function cardBySession(q: Queryable, authority: Authority, tokenHash: Uint8Array): Promise<{ card: CardRow; expiresAt: number } | undefined> {
  const rows = await q.query(
    `SELECT s.expires_at, c.certificate, c.state, c.replaces, (r.card_number IS NOT NULL) AS registered
       FROM sessions s JOIN cards c ON c.card_number = s.card_number
       LEFT JOIN recovery_codes r ON r.card_number = c.card_number WHERE s.token_hash = $1`,
    [tokenHash],
  );
  const r = rows[0];
  return r ? { card: toRow(authority, r), expiresAt: num(r['expires_at']) } : undefined;
}

export async function findCard(q: Queryable, authority: Authority, cardNumber: string): Promise<CardRow | undefined> {
  const rows = await q.query(
    `SELECT c.certificate, c.state, c.replaces, (r.card_number IS NOT NULL) AS registered
       FROM cards c LEFT JOIN recovery_codes r ON r.card_number = c.card_number WHERE c.card_number = $1`,
    [cardNumber],
  );
  const r = rows[0];
  return r ? toRow(authority, r) : undefined;
}

export async function getCard(q: Queryable, authority: Authority, cardNumber: string): Promise<CardRow> {
  const c = await findCard(q, authority, cardNumber);
  if (!c) throw new IssuerError('NOT_FOUND', `card ${cardNumber} is not known to this issuer`);
  return c;
}

export const isCardNumber = (s: string) => /^\d{16}$/.test(s);
