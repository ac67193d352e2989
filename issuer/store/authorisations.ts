import type { Queryable } from '../db/db.ts';
import { num, str } from '../db/db.ts';
import { IssuerError } from '../errors.ts';

// Restore authorisations the service issued (patent fig. 21: the issuer authorises a
// restore of the lost card's point into the replacement card), as the operator sees them,
// and the operator's withdrawal of one the card has not used.
//
// What "used" can mean here: the card takes an authorisation offline (it checks the
// issuer's signature and that the document names its authorisation counter + 1), so the
// service learns that the card's counter moved past an authorisation only when the card
// asks again with a later counter. An authorisation with a later one issued after it for
// the same pair is used (or spent by a try the card counted); the newest of a pair is
// unused as far as the service can know, and that is the one an operator may withdraw.

export type AuthorisationState = 'unused' | 'used' | 'withdrawn';

export interface IssuedAuthorisation {
  sourceCard: string;
  targetCard: string;
  seq: number;
  /** The target card's authorisation counter the document names (its counter + 1). */
  targetCounter: number;
  issuedAt: string;
  state: AuthorisationState;
  withdrawnBy: string | null;
  withdrawnAt: string | null;
  reason: string | null;
}

const opt = (v: unknown) => (v === null || v === undefined ? null : str(v));

/** The newest first; `targetCard`: only those issued to that card. */
export async function listAuthorisations(q: Queryable, targetCard: string | null = null, limit = 200): Promise<IssuedAuthorisation[]> {
  const rows = await q.query(
    `SELECT a.source_card, a.target_card, a.seq, a.target_counter, a.issued_at::text AS issued, a.withdrawn_at::text AS withdrawn,
            a.withdrawn_by, a.withdraw_reason,
            EXISTS (SELECT 1 FROM authorisations b WHERE b.source_card = a.source_card AND b.target_card = a.target_card
                       AND b.target_counter > a.target_counter) AS later
       FROM authorisations a WHERE ($2::text IS NULL OR a.target_card = $2)
      ORDER BY a.issued_at DESC, a.target_counter DESC LIMIT $1`,
    [limit, targetCard],
  );
  return rows.map((r) => ({
    sourceCard: str(r['source_card']),
    targetCard: str(r['target_card']),
    seq: num(r['seq']),
    targetCounter: num(r['target_counter']),
    issuedAt: str(r['issued']),
    state: r['withdrawn'] !== null && r['withdrawn'] !== undefined ? 'withdrawn' : r['later'] === true ? 'used' : 'unused',
    withdrawnBy: opt(r['withdrawn_by']),
    withdrawnAt: opt(r['withdrawn']),
    reason: opt(r['withdraw_reason']),
  }));
}

/**
 * Withdraws the authorisation issued to `targetCard` for `targetCounter`, if the card has
 * not used it: from now on the service refuses that counter to the card (409 WITHDRAWN),
 * the same request again included. One statement, so a card asking for a later counter at
 * the same moment either comes first (then the authorisation is used: 409 WRONG_STATE) or
 * after (then it finds the withdrawal). An authorisation the app fetched before the
 * withdrawal is beyond the service's reach (docs/issuer.md "Withdrawing an authorisation").
 */
export async function withdrawAuthorisation(q: Queryable, operator: string, targetCard: string, targetCounter: number, reason: string | null): Promise<IssuedAuthorisation> {
  const rows = await q.query(
    `UPDATE authorisations a SET withdrawn_at = now(), withdrawn_by = $3, withdraw_reason = $4
      WHERE a.target_card = $1 AND a.target_counter = $2 AND a.withdrawn_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM authorisations b WHERE b.source_card = a.source_card AND b.target_card = a.target_card
                           AND b.target_counter > a.target_counter)
      RETURNING a.source_card`,
    [targetCard, targetCounter, operator, reason],
  );
  const all = await listAuthorisations(q, targetCard, 10_000);
  const row = all.find((a) => a.targetCounter === targetCounter);
  if (!row) throw new IssuerError('NOT_FOUND', `no restore authorisation was issued to card ${targetCard} for counter ${targetCounter}`);
  if (rows.length === 1) return row;
  if (row.state === 'withdrawn') throw new IssuerError('WRONG_STATE', `the authorisation of card ${targetCard} for counter ${targetCounter} was already withdrawn by ${row.withdrawnBy ?? '?'} at ${row.withdrawnAt ?? '?'}`);
  const newest = Math.max(...all.map((a) => a.targetCounter));
  throw new IssuerError('WRONG_STATE', `the authorisation of card ${targetCard} for counter ${targetCounter} is used: the card has since been authorised for counter ${newest}`);
}
