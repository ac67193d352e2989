import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat, fromHex, hex } from '../../src/protocol/bytes.ts';
import { WRAPPED_KEY_V2_BYTES } from '../../src/protocol/trust/wrapped-key.ts';
import { ZERO_HASH } from '../../src/protocol/backup-format.ts';
import { APP_ORIGIN, errorOf, openWorld, sha256hex, type Driver, type World } from './support/world.ts';
import { makeBackup } from './support/backups.ts';
import { TestCard, testAuthority } from './support/test-authority.ts';

// Every endpoint's success and each refusal, on the embedded PGlite and on a real
// PostgreSQL 15 cluster (started here; the suite fails if it cannot start).

describe.each<Driver>(['pglite', 'pg'])('issuer API on %s', (driver) => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(driver, { quotaBytes: 64 * 1024, maxBackupBytes: 32 * 1024 });
  });
  afterAll(async () => {
    await w?.close();
  });

  async function upload(card: TestCard, token: string, bytes: Uint8Array, headers: Record<string, string> = {}) {
    return w.call('POST', `/v1/cards/${card.cardNumber}/backups`, { token, body: bytes, headers });
  }
  async function list(card: TestCard, token: string) {
    const r = await w.call('GET', `/v1/cards/${card.cardNumber}/backups`, { token });
    expect(r.status).toBe(200);
    return (await r.json()) as { backups: { seq: number; blobHash: string; headerHash: string }[]; head: { seq: number; headHash: string } };
  }

  it('answers health and refuses unknown endpoints with a JSON error', async () => {
    const h = await w.call('GET', '/v1/health');
    expect(await h.json()).toMatchObject({ ok: true, driver });
    const e = await errorOf(await w.call('GET', '/v1/nothing'));
    expect(e).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('logs a card in by challenge and refuses forged, replayed and uncertified logins', async () => {
    const card = w.newCard();
    const ch = (await (await w.call('POST', '/v1/auth/challenge', { json: {} })).json()) as { challenge: string };
    const challenge = fromHex(ch.challenge);
    const other = w.newCard();
    const forged = await w.call('POST', '/v1/auth/login', { json: { certificate: hex(card.certificate), challenge: ch.challenge, signature: hex(other.signChallenge(challenge)) } });
    expect(await errorOf(forged)).toMatchObject({ status: 400, code: 'BAD_SIGNATURE' });
    const good = { certificate: hex(card.certificate), challenge: ch.challenge, signature: hex(card.signChallenge(challenge)) };
    const ok = await w.call('POST', '/v1/auth/login', { json: good });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ cardNumber: card.cardNumber });
    expect(await errorOf(await w.call('POST', '/v1/auth/login', { json: good }))).toMatchObject({ status: 401, code: 'BAD_CHALLENGE' });
    const badCert = card.certificate.slice();
    badCert[30] = (badCert[30] as number) ^ 1;
    const r = await w.call('POST', '/v1/auth/login', { json: { ...good, certificate: hex(badCert) } });
    expect(await errorOf(r)).toMatchObject({ status: 400, code: 'BAD_CERTIFICATE' });
    // root -> epoch -> card: a card certified by another issuer's epoch key under the same
    // issuer number (an impostor's root), signing correctly, is not this issuer's card.
    const impostor = new TestCard(testAuthority(), card.cardNumber.replace(/^./, '7'));
    const ch2 = (await (await w.call('POST', '/v1/auth/challenge', { json: {} })).json()) as { challenge: string };
    const fake = await w.call('POST', '/v1/auth/login', { json: { certificate: hex(impostor.certificate), challenge: ch2.challenge, signature: hex(impostor.signChallenge(fromHex(ch2.challenge))) } });
    expect(await errorOf(fake)).toMatchObject({ status: 400, code: 'BAD_CERTIFICATE' });
    // This issuer's certificate for a number the service knows with another key: the number is taken, nothing stored.
    const twin = new TestCard(w.authority, card.cardNumber);
    const ch3 = (await (await w.call('POST', '/v1/auth/challenge', { json: {} })).json()) as { challenge: string };
    const taken = await w.call('POST', '/v1/auth/login', { json: { certificate: hex(twin.certificate), challenge: ch3.challenge, signature: hex(twin.signChallenge(fromHex(ch3.challenge))) } });
    expect(await errorOf(taken)).toMatchObject({ status: 409, code: 'CARD_NUMBER_TAKEN', message: `card ${card.cardNumber} is known with another key: the number belongs to another card` });
    expect(await errorOf(await w.call('POST', '/v1/auth/login', { json: { certificate: 'zz' } }))).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(await errorOf(await w.call('POST', '/v1/auth/login', { body: new Uint8Array([1, 2]) }))).toMatchObject({ status: 415, code: 'WRONG_CONTENT_TYPE' });
    expect(await errorOf(await w.call('POST', '/v1/auth/login', { body: new Uint8Array([1, 2]), headers: { 'content-type': 'application/json' } }))).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('gives a session for its own card number only', async () => {
    const a = w.newCard();
    const b = w.newCard();
    const ta = await w.login(a);
    await w.login(b);
    expect(await errorOf(await w.call('GET', `/v1/cards/${a.cardNumber}`))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await errorOf(await w.call('GET', `/v1/cards/${b.cardNumber}`, { token: ta }))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const me = await w.call('GET', `/v1/cards/${a.cardNumber}`, { token: ta });
    expect(await me.json()).toMatchObject({ cardNumber: a.cardNumber, state: 'active', registered: false, head: { seq: 0, headHash: hex(ZERO_HASH) } });
  });

  it('registers once and shows the recovery code once', async () => {
    const a = w.newCard();
    const t = await w.login(a);
    const r = await w.call('POST', `/v1/cards/${a.cardNumber}/register`, { token: t, json: {} });
    expect(r.status).toBe(201);
    expect(((await r.json()) as { recoveryCode: string }).recoveryCode).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){4}$/);
    expect(await errorOf(await w.call('POST', `/v1/cards/${a.cardNumber}/register`, { token: t, json: {} }))).toMatchObject({ status: 409, code: 'WRONG_STATE' });
  });

  it('stores backups idempotently by content, lists and fetches them', async () => {
    const a = w.newCard();
    const t = await w.login(a);
    const b1 = makeBackup({ issuer: w.authority.issuerId, cardNumber: a.cardNumber, seq: 1 });
    const bytes1 = a.frame(b1.header, b1.records);
    const r1 = await upload(a, t, bytes1, { 'x-content-sha256': sha256hex(bytes1) });
    expect(r1.status).toBe(201);
    expect(await r1.json()).toMatchObject({ seq: 1, created: true, blobHash: sha256hex(bytes1), headerHash: hex(b1.hash) });
    const again = await upload(a, t, bytes1);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ seq: 1, created: false });
    const b2 = makeBackup({ issuer: w.authority.issuerId, cardNumber: a.cardNumber, seq: 2, prev: b1.hash, kind: 'diff' });
    expect((await upload(a, t, a.frame(b2.header, b2.records))).status).toBe(201);
    const l = await list(a, t);
    expect(l.backups.map((b) => b.seq)).toEqual([1, 2]);
    expect(l.head).toEqual({ seq: 2, headHash: hex(b2.hash) });
    const f = await w.call('GET', `/v1/cards/${a.cardNumber}/backups/1`, { token: t });
    expect(new Uint8Array(await f.arrayBuffer())).toEqual(bytes1);
    expect(await errorOf(await w.call('GET', `/v1/cards/${a.cardNumber}/backups/9`, { token: t }))).toMatchObject({ status: 404 });
  });

  it('refuses malformed, unsigned, forged, foreign, replayed, out-of-order and over-quota uploads and stores nothing', async () => {
    const a = w.newCard();
    const t = await w.login(a);
    const issuer = w.authority.issuerId;
    const b1 = makeBackup({ issuer, cardNumber: a.cardNumber, seq: 1 });
    expect((await upload(a, t, a.frame(b1.header, b1.records))).status).toBe(201);
    const before = await list(a, t);
    const next = makeBackup({ issuer, cardNumber: a.cardNumber, seq: 2, prev: b1.hash, kind: 'diff' });
    const good = a.frame(next.header, next.records);

    const cases: [string, Promise<Response>, number, string][] = [
      ['hash mismatch', upload(a, t, good, { 'x-content-sha256': '00'.repeat(32) }), 400, 'BAD_BACKUP'],
      ['truncated', upload(a, t, good.subarray(0, 100)), 400, 'BAD_BACKUP'],
      ['empty', upload(a, t, new Uint8Array(0)), 400, 'BAD_REQUEST'],
      ['unsigned', upload(a, t, a.frame(next.header, next.records, () => new Uint8Array(64))), 400, 'BAD_SIGNATURE'],
      ['forged by another card', upload(a, t, a.frame(next.header, next.records, w.newCard().signHeader)), 400, 'BAD_SIGNATURE'],
      // A well-formed wrapped key of this card, but not the one the card signed with this header.
      ['wrapped key swapped', upload(a, t, Uint8Array.of(...a.frame(next.header, next.records).subarray(0, WRAPPED_KEY_V2_BYTES), ...good.subarray(WRAPPED_KEY_V2_BYTES))), 400, 'BAD_SIGNATURE'],
      ['records cut', upload(a, t, a.frame(next.header, next.records.subarray(0, next.records.length - 3))), 400, 'BAD_BACKUP'],
      ['header of another card', (async () => {
        const o = makeBackup({ issuer, cardNumber: w.newCard().cardNumber, seq: 2, prev: b1.hash, kind: 'diff' });
        return upload(a, t, a.frame(o.header, o.records));
      })(), 403, 'FORBIDDEN'],
      ['other issuer', (async () => {
        const o = makeBackup({ issuer: issuer + 1, cardNumber: a.cardNumber, seq: 2, prev: b1.hash, kind: 'diff' });
        return upload(a, t, a.frame(o.header, o.records));
      })(), 400, 'BAD_BACKUP'],
      ['replayed seq (not after head)', (async () => {
        const o = makeBackup({ issuer, cardNumber: a.cardNumber, seq: 1, prev: ZERO_HASH });
        return upload(a, t, a.frame(o.header, o.records));
      })(), 409, 'OUT_OF_ORDER'],
      ['wrong previous hash', (async () => {
        const o = makeBackup({ issuer, cardNumber: a.cardNumber, seq: 2, prev: new Uint8Array(32).fill(7), kind: 'diff' });
        return upload(a, t, a.frame(o.header, o.records));
      })(), 409, 'CHAIN_CONFLICT'],
      ['diff on a base the issuer lacks', (async () => {
        const o = makeBackup({ issuer, cardNumber: a.cardNumber, seq: 3, prev: b1.hash, kind: 'diff', baseSeq: 2 });
        return upload(a, t, a.frame(o.header, o.records));
      })(), 409, 'OUT_OF_ORDER'],
      // The card's own signed header, but another card's wrapped key in front of it.
      ['wrapped key of another card', upload(a, t, concat(w.newCard().frame(next.header, next.records).subarray(0, WRAPPED_KEY_V2_BYTES), good.subarray(WRAPPED_KEY_V2_BYTES))), 400, 'BAD_BACKUP'],
      ['wrapped key malformed', upload(a, t, concat(new Uint8Array(WRAPPED_KEY_V2_BYTES), good.subarray(WRAPPED_KEY_V2_BYTES))), 400, 'BAD_BACKUP'],
      ['over the body limit', upload(a, t, new Uint8Array(40 * 1024)), 413, 'TOO_LARGE'],
    ];
    for (const [name, p, status, code] of cases) {
      const e = await errorOf(await p);
      expect({ name, status: e.status, code: e.code }).toEqual({ name, status, code });
      expect(e.message.length).toBeGreaterThan(10);
    }
    expect(await list(a, t)).toEqual(before);
    // Same signed header with other records: a replay, refused.
    const other = a.frame(b1.header, makeBackup({ issuer, cardNumber: a.cardNumber, seq: 1 }).records);
    expect(await errorOf(await upload(a, t, other))).toMatchObject({ status: 409, code: 'REPLAYED' });
    // Quota: 64 KiB per card; full backups of ~1.3 KiB each until it is full.
    let prev = b1.hash;
    let seq = 2;
    for (;;) {
      const o = makeBackup({ issuer, cardNumber: a.cardNumber, seq, prev });
      const r = await upload(a, t, a.frame(o.header, o.records));
      if (r.status !== 201) {
        expect(await errorOf(r)).toMatchObject({ status: 413, code: 'OVER_QUOTA' });
        break;
      }
      prev = o.hash;
      seq++;
    }
    expect((await list(a, t)).head.seq).toBe(seq - 1);
  });

  it('moves the chain head by compare-and-swap: of 32 concurrent next backups exactly one wins', async () => {
    const a = w.newCard();
    const t = await w.login(a);
    const b1 = makeBackup({ issuer: w.authority.issuerId, cardNumber: a.cardNumber, seq: 1 });
    expect((await upload(a, t, a.frame(b1.header, b1.records))).status).toBe(201);
    const nexts = Array.from({ length: 32 }, () => makeBackup({ issuer: w.authority.issuerId, cardNumber: a.cardNumber, seq: 2, prev: b1.hash, kind: 'diff' }));
    const rs = await Promise.all(nexts.map((n) => upload(a, t, a.frame(n.header, n.records))));
    const won = rs.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    const winner = (await won[0]?.json()) as { headerHash: string };
    const losers = await Promise.all(rs.filter((r) => r.status !== 201).map(errorOf));
    expect(losers).toHaveLength(31);
    for (const e of losers) {
      expect(e.status).toBe(409);
      expect(e.detail).toEqual({ headSeq: 2, headHash: winner.headerHash });
    }
    const l = await list(a, t);
    expect(l.backups.map((b) => b.seq)).toEqual([1, 2]);
    expect(l.head.headHash).toBe(winner.headerHash);
  });

  it('allows exactly the configured app origin (CORS)', async () => {
    const pre = await w.call('OPTIONS', '/v1/auth/challenge', { headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' } });
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const evil = await w.call('POST', '/v1/auth/challenge', { json: {}, headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(await errorOf(evil)).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
  });
});
