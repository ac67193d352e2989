import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../issuer/db/db.ts';
import { openPglite } from '../../issuer/db/pglite.ts';
import { migrate } from '../../issuer/db/migrate.ts';
import { login, newChallenge, SESSION_MS, SessionCache, sessionIdentity } from '../../issuer/store/sessions.ts';
import { IssuerError } from '../../issuer/errors.ts';
import { TestCard, testAuthority } from './support/test-authority.ts';

// The upload's session lookup (issuer/store/sessions.ts): cached per process after one
// query, never past the session's expiry, and a session another process made is found.
describe('issuer session cache', () => {
  let db: Db;
  let queries = 0;
  const a = testAuthority();
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
  });
  const counting: () => Db = () => ({
    ...db,
    query: (sql, params) => {
      queries++;
      return db.query(sql, params);
    },
  });

  async function session(card: TestCard, now: number) {
    const { challenge } = await newChallenge(db, now);
    return login(db, a, { certificate: card.certificate, challenge, signature: card.signChallenge(challenge) }, now);
  }

  it('reads a session once, then from the cache, and never after it expires', async () => {
    const card = new TestCard(a, '6100000000000001');
    const now = Date.now();
    const s = await session(card, now);
    const cache = new SessionCache();
    queries = 0;
    expect((await sessionIdentity(counting(), a, cache, s.token, now)).cardNumber).toBe(card.cardNumber);
    expect(queries).toBe(1);
    expect((await sessionIdentity(counting(), a, cache, s.token, now + 1000)).cardNumber).toBe(card.cardNumber);
    expect(queries).toBe(1);
    const late = sessionIdentity(counting(), a, cache, s.token, now + SESSION_MS + 1);
    await expect(late).rejects.toBeInstanceOf(IssuerError);
    await expect(late).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/expired/) });
  });

  it('finds a session made by another process (a cache that never saw it), and refuses unknown tokens', async () => {
    const card = new TestCard(a, '6100000000000002');
    const now = Date.now();
    const s = await session(card, now);
    expect((await sessionIdentity(db, a, new SessionCache(), s.token, now)).cardNumber).toBe(card.cardNumber);
    await expect(sessionIdentity(db, a, new SessionCache(), 'ab'.repeat(32), now)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/unknown/) });
    await expect(sessionIdentity(db, a, new SessionCache(), undefined, now)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('issuer session cache bound', () => {
  const a = testAuthority();
  const card = new TestCard(a, '6100000000000009');
  const id = a.checkCardCertificate(card.certificate);

  it('holds at most max sessions: drops expired ones first, then the one cached first, never all', () => {
    const cache = new SessionCache(3);
    cache.set('s1', id, 100, 0);
    cache.set('s2', id, 5000, 0);
    cache.set('s3', id, 5000, 0);
    // Full at 200: s1 has expired and goes; s2 and s3 stay.
    cache.set('s4', id, 5200, 200);
    expect([cache.size, cache.get('s1', 200), cache.get('s2', 200)?.cardNumber, cache.get('s3', 200)?.cardNumber]).toEqual([3, undefined, card.cardNumber, card.cardNumber]);
    // Full, none expired: the one cached first (s2) goes, the others stay.
    cache.set('s5', id, 5300, 300);
    expect([cache.size, cache.get('s2', 300), cache.get('s3', 300)?.cardNumber, cache.get('s4', 300)?.cardNumber, cache.get('s5', 300)?.cardNumber]).toEqual([
      3,
      undefined,
      card.cardNumber,
      card.cardNumber,
      card.cardNumber,
    ]);
  });
});
