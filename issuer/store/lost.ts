import { randomBytes } from '@noble/hashes/utils.js';
import type { Db, Queryable } from '../db/db.ts';
import { bytes, num, str } from '../db/db.ts';
import type { Authority, CardIdentity } from '../authority.ts';
import { IssuerError } from '../errors.ts';
import { checkSlowHash, newRecoveryCode, newSlowHash } from '../keys/secrets.ts';
import { ZERO_HASH } from '../../src/protocol/backup-format.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { getCard } from './cards.ts';
import { fetchBackup } from './backups.ts';
import type { BlobStore } from './blob-store.ts';
import { issueLoad } from './ledger.ts';

// The lost card story (patent fig. 21, docs/issuer.md): report lost with the recovery
// code -> stop-listed at once -> an operator approves a replacement -> the blank card is
// personalised -> a restore of a chosen point is authorised into it -> the ledger balance
// at the stop is re-issued as load tokens for the new card.

/** Registration: the recovery code is shown once and kept only as an scrypt hash. */
export async function register(db: Db, cardNumber: string): Promise<string> {
  const code = newRecoveryCode();
  const { salt, hash } = await newSlowHash(code);
  const rows = await db.query(
    `INSERT INTO recovery_codes (card_number, salt, hash) SELECT $1, $2, $3
      WHERE EXISTS (SELECT 1 FROM cards WHERE card_number = $1 AND state = 'active')
      ON CONFLICT (card_number) DO NOTHING RETURNING card_number`,
    [cardNumber, salt, hash],
  );
  if (rows.length === 0) throw new IssuerError('WRONG_STATE', `card ${cardNumber} is already registered or no longer active; its recovery code was shown once`);
  await db.query('UPDATE cards SET registered_at = now() WHERE card_number = $1', [cardNumber]);
  return code;
}

async function checkRecoveryCode(q: Queryable, cardNumber: string, code: string): Promise<void> {
  const rows = await q.query('SELECT salt, hash FROM recovery_codes WHERE card_number = $1', [cardNumber]);
  const r = rows[0];
  // One message for "not registered" and "wrong code": the answer tells nothing about the card.
  if (!r || !(await checkSlowHash(code, bytes(r['salt']), bytes(r['hash'])))) {
    throw new IssuerError('FORBIDDEN', `the recovery code does not match card ${cardNumber}`);
  }
}

export interface StopEntry {
  number: number;
  cardNumber: string;
  stoppedAt: number;
  /** The signed entry (hex), as terminals check it offline. */
  entry: string;
}

/** Reports the card lost: stop-listed in the same transaction, with its balance at the stop. */
export async function reportLost(db: Db, authority: Authority, cardNumber: string, code: string, now: number): Promise<StopEntry> {
  await checkRecoveryCode(db, cardNumber, code);
  return db.transaction(async (tx) => {
    // Stop-list numbers have no gaps: one writer at a time.
    await tx.query('LOCK TABLE stop_list IN EXCLUSIVE MODE');
    const stopped = await tx.query(`UPDATE cards SET state = 'stopped' WHERE card_number = $1 AND state = 'active' RETURNING card_number`, [cardNumber]);
    if (stopped.length === 0) throw new IssuerError('WRONG_STATE', `card ${cardNumber} is already stop-listed`);
    const n = num((await tx.query('SELECT coalesce(max(number), 0) + 1 AS n FROM stop_list'))[0]?.['n'] ?? 1);
    const entry = authority.signStopEntry(n, cardNumber, now);
    const bal = await tx.query(
      `SELECT coalesce(sum(CASE WHEN entry = 'load' THEN amount ELSE -amount END), 0) AS b FROM ledger WHERE card_number = $1 AND NOT after_stop`,
      [cardNumber],
    );
    await tx.query('INSERT INTO stop_list (number, card_number, stopped_at, entry, balance) VALUES ($1, $2, $3, $4, $5)', [
      n,
      cardNumber,
      now,
      entry,
      num(bal[0]?.['b'] ?? 0),
    ]);
    await tx.query('INSERT INTO lost_reports (card_number) VALUES ($1)', [cardNumber]);
    return { number: n, cardNumber, stoppedAt: now, entry: hex(entry) };
  });
}

export async function stopList(q: Queryable, since = 0): Promise<StopEntry[]> {
  const rows = await q.query('SELECT number, card_number, stopped_at, entry FROM stop_list WHERE number > $1 ORDER BY number', [since]);
  return rows.map((r) => ({
    number: num(r['number']),
    cardNumber: str(r['card_number']),
    stoppedAt: num(r['stopped_at']),
    entry: hex(bytes(r['entry'])),
  }));
}

export async function approveReplacement(db: Db, operator: string, lostCard: string): Promise<void> {
  const rows = await db.query(
    `INSERT INTO replacements (lost_card, approved_by) SELECT $1, $2
      WHERE EXISTS (SELECT 1 FROM lost_reports WHERE card_number = $1)
      ON CONFLICT (lost_card) DO NOTHING RETURNING lost_card`,
    [lostCard, operator],
  );
  if (rows.length === 0) throw new IssuerError('WRONG_STATE', `card ${lostCard} has no lost report, or its replacement is already approved`);
}

interface Replacement {
  lostCard: string;
  newCard: string | null;
  reissued: boolean;
}

async function replacementOf(q: Queryable, lostCard: string): Promise<Replacement> {
  const rows = await q.query('SELECT new_card, reissued FROM replacements WHERE lost_card = $1', [lostCard]);
  const r = rows[0];
  if (!r) throw new IssuerError('WRONG_STATE', `no replacement of card ${lostCard} is approved: an operator approves it first`);
  return { lostCard, newCard: r['new_card'] === null ? null : str(r['new_card']), reissued: r['reissued'] === true };
}

async function newCardNumber(q: Queryable, like: string): Promise<string> {
  // Same issuer prefix (first 6 digits), 10 random digits; retried on the rare collision.
  for (;;) {
    const tail = Array.from(randomBytes(10), (b) => String(b % 10)).join('');
    const candidate = like.slice(0, 6) + tail;
    const taken = await q.query('SELECT 1 FROM cards WHERE card_number = $1', [candidate]);
    if (taken.length === 0) return candidate;
  }
}

/** Personalises the holder's blank card as the replacement of lostCard (recovery code again). */
export async function personaliseReplacement(
  db: Db,
  authority: Authority,
  lostCard: string,
  code: string,
  blank: { signKey: Uint8Array; boxKey: Uint8Array },
  pin: string,
): Promise<{ cardNumber: string; certificate: Uint8Array; personalisation: Uint8Array }> {
  if (!/^\d{4,12}$/.test(pin)) throw new IssuerError('BAD_REQUEST', 'the new PIN must be 4 to 12 digits');
  await checkRecoveryCode(db, lostCard, code);
  return db.transaction(async (tx) => {
    const rep = await replacementOf(tx, lostCard);
    if (rep.newCard !== null) throw new IssuerError('WRONG_STATE', `card ${lostCard} is already replaced by card ${rep.newCard}`);
    const cardNumber = await newCardNumber(tx, lostCard);
    // The PUK goes to the holder by post, sealed inside the personalisation for the card;
    // the service keeps no copy (docs/issuer.md).
    const puk = Array.from(randomBytes(10), (b) => String(b % 10)).join('');
    let out: { certificate: Uint8Array; personalisation: Uint8Array };
    try {
      out = authority.personalise(cardNumber, blank, { pin, puk });
    } catch (cause) {
      throw new IssuerError('BAD_REQUEST', `the blank card's keys were refused: ${(cause as Error).message}`, { cause });
    }
    const id = authority.checkCardCertificate(out.certificate);
    await tx.query(`INSERT INTO cards (card_number, certificate, sign_key, state, replaces) VALUES ($1, $2, $3, 'active', $4)`, [
      cardNumber,
      out.certificate,
      id.signKey,
      lostCard,
    ]);
    await tx.query('INSERT INTO chain_heads (card_number, seq, head_hash) VALUES ($1, 0, $2)', [cardNumber, ZERO_HASH]);
    await tx.query('UPDATE replacements SET new_card = $2 WHERE lost_card = $1', [lostCard, cardNumber]);
    await tx.query(`UPDATE cards SET state = 'replaced' WHERE card_number = $1`, [lostCard]);
    return { cardNumber, ...out };
  });
}

/**
 * The replacement card (its own session) asks for a restore of backup `seq` of the card it
 * replaces, for its authorisation counter + 1 (`targetCounter`): the card takes each
 * authorisation once. The same request again (a client that lost the answer) gets the same
 * document; another point for a counter already authorised, or a counter below one already
 * authorised (the card has moved past it), is REPLAYED.
 */
export async function authoriseRestore(
  db: Db,
  blobs: BlobStore,
  authority: Authority,
  target: CardIdentity,
  seq: number,
  targetCounter: number,
): Promise<{ document: Uint8Array; created: boolean }> {
  const me = await getCard(db, authority, target.cardNumber);
  if (me.replaces === null) throw new IssuerError('FORBIDDEN', `card ${target.cardNumber} replaces no lost card`);
  const source = await getCard(db, authority, me.replaces);
  const pair = [source.identity.cardNumber, target.cardNumber];
  const issued = await db.query(
    'SELECT seq, target_counter, document, withdrawn_at::text AS withdrawn, withdrawn_by FROM authorisations WHERE source_card = $1 AND target_card = $2 ORDER BY target_counter DESC',
    pair,
  );
  const same = issued.find((r) => num(r['target_counter']) === targetCounter);
  // An operator withdrew the authorisation for this counter (issuer/store/authorisations.ts):
  // neither it nor another point is handed out for it again.
  if (same && same['withdrawn'] !== null && same['withdrawn'] !== undefined) {
    throw new IssuerError(
      'WITHDRAWN',
      `the restore authorisation of card ${target.cardNumber} for counter ${targetCounter} was withdrawn by operator ${str(same['withdrawn_by'])} at ${str(same['withdrawn'])}: ask the issuer`,
    );
  }
  if (same) {
    if (num(same['seq']) === seq) return { document: bytes(same['document']), created: false };
    throw new IssuerError('REPLAYED', `counter ${targetCounter} of card ${target.cardNumber} was already authorised for backup ${num(same['seq'])}, not ${seq}`);
  }
  const newest = issued[0];
  if (newest && num(newest['target_counter']) > targetCounter)
    throw new IssuerError('REPLAYED', `card ${target.cardNumber} was already authorised at counter ${num(newest['target_counter'])}: counter ${targetCounter} is behind it`);
  const data = await fetchBackup(db, blobs, source.identity.cardNumber, seq);
  const up = authority.splitUpload(data);
  let document: Uint8Array;
  try {
    document = authority.restoreAuthorisation({
      source: source.identity,
      target,
      header: up.header,
      signature: up.signature,
      wrappedKey: up.wrappedKey,
      targetCounter,
    });
  } catch (cause) {
    // The signing core refuses (its errors name why): a wrapped key that does not open
    // under its epoch, a retired epoch. The stored point cannot be restored elsewhere.
    throw new IssuerError('BAD_BACKUP', `backup ${seq} of card ${source.identity.cardNumber} cannot be restored onto card ${target.cardNumber}: ${(cause as Error).message}`, { cause });
  }
  const rows = await db.query(
    `INSERT INTO authorisations (source_card, target_card, seq, document, target_counter) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (source_card, target_card, target_counter) DO NOTHING RETURNING seq`,
    [...pair, seq, document, targetCounter],
  );
  // A concurrent request for the same counter won: answer what it stored (or REPLAYED).
  if (rows.length === 0) return authoriseRestore(db, blobs, authority, target, seq, targetCounter);
  return { document, created: true };
}

/** The lost card's ledger balance at the stop, per application, as load tokens for the
 *  replacement card: once. counters: the new card's load counter per AID (0 if absent). */
export async function reissueValue(
  db: Db,
  authority: Authority,
  target: CardIdentity,
  counters: Readonly<Record<string, number>> = {},
): Promise<{ aid: string; amount: number; token: string }[]> {
  const me = await getCard(db, authority, target.cardNumber);
  if (me.replaces === null) throw new IssuerError('FORBIDDEN', `card ${target.cardNumber} replaces no lost card`);
  const lost = me.replaces;
  return db.transaction(async (tx) => {
    const done = await tx.query('UPDATE replacements SET reissued = true WHERE lost_card = $1 AND new_card = $2 AND NOT reissued RETURNING lost_card', [
      lost,
      target.cardNumber,
    ]);
    if (done.length === 0) throw new IssuerError('REPLAYED', `the balance of card ${lost} was already re-issued`);
    const rows = await tx.query(
      `SELECT aid, sum(CASE WHEN entry = 'load' THEN amount ELSE -amount END) AS b
         FROM ledger WHERE card_number = $1 AND NOT after_stop GROUP BY aid ORDER BY aid`,
      [lost],
    );
    const out: { aid: string; amount: number; token: string }[] = [];
    for (const r of rows) {
      const amount = num(r['b']);
      if (amount <= 0) continue;
      const aid = str(r['aid']);
      const { token } = await issueLoad(db, authority, target, aid, amount, (counters[aid] ?? 0) + 1, `reissue:${lost}`, tx);
      out.push({ aid, amount, token: hex(token) });
    }
    return out;
  });
}
