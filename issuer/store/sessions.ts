import { randomBytes } from '@noble/hashes/utils.js';
import type { Db } from '../db/db.ts';
import { num } from '../db/db.ts';
import type { Authority, CardIdentity } from '../authority.ts';
import { IssuerError } from '../errors.ts';
import { newToken, tokenHash } from '../keys/secrets.ts';
import { cardBySession, ensureCard, type CardRow } from './cards.ts';
import { hex } from '../../src/protocol/bytes.ts';

// Card login (docs/trust.md, "challenge signature"): the service hands out a random
// challenge, the card signs it with its certified Ed25519 key (INTERNAL AUTHENTICATE),
// and the service gives a short session for that card number only. A challenge is
// deleted when used, so a replayed signature finds nothing to answer.

export const CHALLENGE_MS = 2 * 60_000;
export const SESSION_MS = 15 * 60_000;

export async function newChallenge(db: Db, now: number): Promise<{ challenge: Uint8Array; expiresAt: number }> {
  const challenge = randomBytes(32);
  const expiresAt = now + CHALLENGE_MS;
  await db.query('DELETE FROM challenges WHERE expires_at < $1', [now]);
  await db.query('INSERT INTO challenges (nonce, expires_at) VALUES ($1, $2)', [challenge, expiresAt]);
  return { challenge, expiresAt };
}

export async function login(
  db: Db,
  authority: Authority,
  args: { certificate: Uint8Array; challenge: Uint8Array; signature: Uint8Array },
  now: number,
): Promise<{ token: string; cardNumber: string; expiresAt: number }> {
  const card = await ensureCard(db, authority, args.certificate);
  if (!authority.verifyChallenge(card.identity, args.challenge, args.signature)) {
    throw new IssuerError('BAD_SIGNATURE', 'the signature over the challenge does not verify under the card certificate');
  }
  const used = await db.query('DELETE FROM challenges WHERE nonce = $1 RETURNING expires_at', [args.challenge]);
  const row = used[0];
  if (!row) throw new IssuerError('BAD_CHALLENGE', 'challenge unknown or already used: ask for a new one');
  if (num(row['expires_at']) < now) throw new IssuerError('BAD_CHALLENGE', 'challenge expired: ask for a new one');
  // A card's expired sessions go when it logs in again (the table stays the size of the
  // cards active in the last SESSION_MS).
  await db.query('DELETE FROM sessions WHERE card_number = $1 AND expires_at < $2', [card.identity.cardNumber, now]);
  const token = newToken();
  const expiresAt = now + SESSION_MS;
  await db.query('INSERT INTO sessions (token_hash, card_number, expires_at) VALUES ($1, $2, $3)', [
    tokenHash(token),
    card.identity.cardNumber,
    expiresAt,
  ]);
  return { token, cardNumber: card.identity.cardNumber, expiresAt };
}

/** The card a bearer token speaks for (one query), or a 401 naming why not. */
export async function sessionCardRow(db: Db, authority: Authority, token: string | undefined, now: number): Promise<CardRow> {
  if (!token) throw new IssuerError('UNAUTHENTICATED', 'no session: log in with the card (POST /v1/auth/challenge, then /v1/auth/login)');
  const s = await cardBySession(db, authority, tokenHash(token));
  if (!s) throw new IssuerError('UNAUTHENTICATED', 'session unknown: log in with the card again');
  if (s.expiresAt < now) throw new IssuerError('UNAUTHENTICATED', 'session expired: log in with the card again');
  return s.card;
}

/**
 * Sessions this process has seen, by token hash: the card they speak for and their
 * expiry. A session is never withdrawn before it expires (a stop refuses the card's
 * uploads in the upload's own statement, issuer/store/backups.ts), so a hit needs no
 * round trip; a miss (another process made the session, or this one dropped it) reads
 * the table once. At most `max` entries: a new one past that drops the expired ones at
 * the front, and if none has expired the one cached first (it is read again on its next request),
 * never all of them at once.
 */
export class SessionCache {
  // Insertion order: the first entries were cached first.
  private readonly known = new Map<string, { identity: CardIdentity; expiresAt: number }>();
  constructor(private readonly max = 100_000) {}

  /** Entries held now (for tests of the bound). */
  get size(): number {
    return this.known.size;
  }

  get(key: string, now: number): CardIdentity | undefined {
    const s = this.known.get(key);
    if (s && s.expiresAt < now) this.known.delete(key);
    return s && s.expiresAt >= now ? s.identity : undefined;
  }

  set(key: string, identity: CardIdentity, expiresAt: number, now = Date.now()): void {
    this.known.delete(key);
    if (this.known.size >= this.max) {
      // Sessions last SESSION_MS from their login, so the first cached expire first:
      // sweep from the front until one is still valid.
      for (const [k, s] of this.known) {
        if (s.expiresAt >= now) break;
        this.known.delete(k);
      }
      if (this.known.size >= this.max) {
        const first = this.known.keys().next();
        if (!first.done) this.known.delete(first.value);
      }
    }
    this.known.set(key, { identity, expiresAt });
  }
}

/** The card a bearer token speaks for, without its state (the upload checks that in its
 *  statement): from the cache, or one query. 401 naming why not. */
export async function sessionIdentity(db: Db, authority: Authority, cache: SessionCache, token: string | undefined, now: number): Promise<CardIdentity> {
  if (!token) throw new IssuerError('UNAUTHENTICATED', 'no session: log in with the card (POST /v1/auth/challenge, then /v1/auth/login)');
  const th = tokenHash(token);
  const key = hex(th);
  const hit = cache.get(key, now);
  if (hit) return hit;
  const s = await cardBySession(db, authority, th);
  if (!s) throw new IssuerError('UNAUTHENTICATED', 'session unknown: log in with the card again');
  if (s.expiresAt < now) throw new IssuerError('UNAUTHENTICATED', 'session expired: log in with the card again');
  cache.set(key, s.card.identity, s.expiresAt, now);
  return s.card.identity;
}
