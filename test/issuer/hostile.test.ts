import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hex } from '../../src/protocol/bytes.ts';
import { APP_ORIGIN, errorOf, openWorld, type Driver, type World } from './support/world.ts';
import { makeBackup } from './support/backups.ts';
import { replacement } from './support/replacement.ts';
import type { TestCard } from './support/test-authority.ts';
import { startIssuer } from '../../issuer/server.ts';
import { sameSecret } from '../../issuer/keys/secrets.ts';

// What a hostile or unlucky client sends, over HTTP, on the embedded PGlite and on a real
// PostgreSQL 15 cluster: a restore authorisation asked again, bodies too big or of the
// wrong type, broken JSON and credentials, requests from other sites; and the security
// review's fixes (docs/issuer.md "Who may do what", "Several processes").

const form = 'application/x-www-form-urlencoded';

describe.each<Driver>(['pglite', 'pg'])('hostile and retried requests on %s', (driver) => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(driver, { maxBackupBytes: 32 * 1024, lostAttemptsPerHour: 10 });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('answers copies of one restore-authorisation request, sent at once, with one stored document', async () => {
    const { newNumber, token } = await replacement(w);
    const asks = await Promise.all(
      Array.from({ length: 6 }, () => w.call('POST', `/v1/cards/${newNumber}/restore-authorisations`, { token, json: { seq: 1, counter: 4 } })),
    );
    const answers = await Promise.all(asks.map(async (r) => ({ status: r.status, doc: ((await r.json()) as { authorisation: string }).authorisation })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.doc)).size).toBe(1);
    const rows = await w.db.query('SELECT document FROM authorisations WHERE target_card = $1', [newNumber]);
    expect(rows.map((r) => hex(r['document'] as Uint8Array))).toEqual([answers[0]?.doc]);
    // Any other request after the one issued is a second authorisation, refused.
    expect(await errorOf(await w.call('POST', `/v1/cards/${newNumber}/restore-authorisations`, { token, json: { seq: 9, counter: 4 } }))).toMatchObject({ status: 409, code: 'REPLAYED' });
  });

  it('refuses bodies over the bound with 413 naming the bound', async () => {
    const card = w.newCard();
    const token = await w.login(card);
    const bigJson = await w.call('POST', '/v1/auth/login', { json: { certificate: 'ab'.repeat(40 * 1024) } });
    expect(await errorOf(bigJson)).toMatchObject({ status: 413, code: 'TOO_LARGE', message: 'request body over 65536 bytes' });
    const bigUpload = await w.call('POST', `/v1/cards/${card.cardNumber}/backups`, { token, body: new Uint8Array(32 * 1024 + 1) });
    expect(await errorOf(bigUpload)).toMatchObject({ status: 413, code: 'TOO_LARGE', message: 'request body over 32768 bytes' });
    expect((await (await w.call('GET', `/v1/cards/${card.cardNumber}/backups`, { token })).json()) as { backups: unknown[] }).toMatchObject({ backups: [] });
  });

  it('refuses a wrong Content-Type with 415 naming the type wanted and the type sent', async () => {
    const card = w.newCard();
    const token = await w.login(card);
    const b = makeBackup({ issuer: w.authority.issuerId, cardNumber: card.cardNumber, seq: 1 });
    const asJson = await w.call('POST', `/v1/cards/${card.cardNumber}/backups`, { token, body: card.frame(b.header, b.records), headers: { 'content-type': 'application/json' } });
    expect(await errorOf(asJson)).toMatchObject({ status: 415, code: 'WRONG_CONTENT_TYPE', message: 'Content-Type must be application/octet-stream, got "application/json"' });
    const asText = await w.call('POST', '/v1/lost', { body: new TextEncoder().encode(JSON.stringify({ cardNumber: card.cardNumber, recoveryCode: 'X' })), headers: { 'content-type': 'text/plain' } });
    expect(await errorOf(asText)).toMatchObject({ status: 415, code: 'WRONG_CONTENT_TYPE', message: 'Content-Type must be application/json, got "text/plain"' });
    const none = await fetch(`${w.issuer.url}/v1/terminal/check`, { method: 'POST', body: new Blob([JSON.stringify({ cardNumber: card.cardNumber })]) });
    expect(await errorOf(none)).toMatchObject({ status: 415, message: 'Content-Type must be application/json, got none' });
    // With a charset parameter the type is still JSON.
    const charset = await w.call('POST', '/v1/terminal/check', { body: new TextEncoder().encode(JSON.stringify({ cardNumber: card.cardNumber })), headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(charset.status).toBe(200);
    expect(await w.db.query('SELECT 1 FROM backups WHERE card_number = $1', [card.cardNumber])).toHaveLength(0);
  });

  it('refuses malformed JSON and fields with 400 naming what was wrong', async () => {
    const json = { 'content-type': 'application/json' };
    const cases: [string, string][] = [
      ['{"cardNumber": ', 'the body is not JSON'],
      ['[1, 2]', 'the body must be a JSON object'],
      ['{"cardNumber": 4000123412341234}', 'field "cardNumber" must be a string of 1..32 characters'],
      ['{"cardNumber": "4000-1234"}', 'field "cardNumber" must be 16 digits'],
    ];
    for (const [body, message] of cases) {
      const r = await w.call('POST', '/v1/terminal/check', { body: new TextEncoder().encode(body), headers: json });
      expect(await errorOf(r)).toMatchObject({ status: 400, code: 'BAD_REQUEST', message });
    }
    const odd = await w.call('POST', '/v1/auth/login', { json: { certificate: 'abc', challenge: '00'.repeat(32), signature: '00' } });
    expect(await errorOf(odd)).toMatchObject({ status: 400, message: 'field "certificate" must be a hex string' });
    const short = await w.call('POST', '/v1/auth/login', { json: { certificate: 'ab', challenge: '00', signature: '00' } });
    expect(await errorOf(short)).toMatchObject({ status: 400, message: 'field "challenge" must be 32 bytes, got 1' });
  });

  it('refuses bad session tokens and bad Basic credentials with 401 naming the fault, never 500', async () => {
    const card = w.newCard();
    const path = `/v1/cards/${card.cardNumber}`;
    const bearer = (v: string) => ({ headers: { authorization: v } });
    expect(await errorOf(await w.call('GET', path))).toMatchObject({ status: 401, message: expect.stringContaining('no session') });
    for (const bad of ['Bearer xyz', `Bearer ${'A'.repeat(64)}`, `Token ${'a'.repeat(64)}`, 'Basic b3BlcmF0b3I6eA==']) {
      expect(await errorOf(await w.call('GET', path, bearer(bad)))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: expect.stringContaining('must be "Bearer"') });
    }
    expect(await errorOf(await w.call('GET', path, bearer(`Bearer ${'a'.repeat(64)}`)))).toMatchObject({ status: 401, message: 'session unknown: log in with the card again' });
    const ops: [string, string][] = [
      ['Basic A', 'must be "Basic"'],
      ['Basic AAAAA', 'not valid base64'],
      [`Basic ${btoa('nocolon')}`, 'must be name:credential'],
      [`Basic ${btoa(':x')}`, 'must be name:credential'],
      [`Bearer ${'a'.repeat(64)}`, 'must be "Basic"'],
    ];
    for (const [auth, message] of ops) {
      expect(await errorOf(await w.call('GET', '/v1/operator/cards', bearer(auth)))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: expect.stringContaining(message) });
    }
  });

  it('refuses operator requests from another site, the app included, before the credential is tried', async () => {
    const lostCard = '4999000011112222';
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: APP_ORIGIN }]) {
      const r = await w.call('POST', `/v1/operator/replacements/${lostCard}/approve`, { headers: { authorization: w.operatorAuth, ...headers } });
      expect(await errorOf(r)).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
      const g = await w.call('GET', '/v1/operator/ledger', { headers: { authorization: w.operatorAuth, ...headers } });
      expect(await errorOf(g)).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
    }
    // A tool (no browser headers) and the service's own pages are served.
    expect((await w.call('GET', '/v1/operator/ledger', { headers: { authorization: w.operatorAuth } })).status).toBe(200);
    expect((await w.call('GET', '/v1/operator/ledger', { headers: { authorization: w.operatorAuth, 'sec-fetch-site': 'same-origin', origin: w.issuer.url } })).status).toBe(200);
  });

  it("accepts the console's approve form only with the console's own origin (CSRF), then only as a form", async () => {
    const { old } = await lostAndReported();
    const body = new TextEncoder().encode(`card=${old.cardNumber}`);
    const post = (headers: Record<string, string>) =>
      fetch(`${w.issuer.url}/console/approve`, { method: 'POST', redirect: 'manual', headers: { authorization: w.operatorAuth, 'content-type': form, ...headers }, body });
    // No Sec-Fetch-Site and no Origin: a browser that does not say where the form came from.
    expect(await errorOf(await post({}))).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
    expect(await errorOf(await post({ origin: 'https://evil.example' }))).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
    expect(await errorOf(await post({ 'sec-fetch-site': 'same-site', origin: w.issuer.url }))).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
    expect(await w.db.query('SELECT 1 FROM replacements WHERE lost_card = $1', [old.cardNumber])).toHaveLength(0);
    const asJson = await fetch(`${w.issuer.url}/console/approve`, {
      method: 'POST',
      headers: { authorization: w.operatorAuth, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ card: old.cardNumber }),
    });
    expect(await errorOf(asJson)).toMatchObject({ status: 415, code: 'WRONG_CONTENT_TYPE' });
    const ok = await post({ 'sec-fetch-site': 'same-origin', origin: w.issuer.url });
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/console']);
    expect(await w.db.query('SELECT approved_by FROM replacements WHERE lost_card = $1', [old.cardNumber])).toEqual([{ approved_by: 'operator' }]);
    const page = await w.call('GET', '/console', { headers: { authorization: w.operatorAuth } });
    expect([page.headers.get('x-frame-options'), page.headers.get('content-security-policy')]).toEqual(['DENY', expect.stringContaining("frame-ancestors 'none'")]);
  });

  async function lostAndReported(): Promise<{ old: TestCard }> {
    const old = w.newCard();
    const t = await w.login(old);
    const code = ((await (await w.call('POST', `/v1/cards/${old.cardNumber}/register`, { token: t, json: {} })).json()) as { recoveryCode: string }).recoveryCode;
    expect((await w.call('POST', '/v1/lost', { json: { cardNumber: old.cardNumber, recoveryCode: code } })).status).toBe(201);
    return { old };
  }

  it("counts recovery-code tries in the database: two service instances on one database share the card's bound", async () => {
    const card = w.newCard();
    const t = await w.login(card);
    expect((await w.call('POST', `/v1/cards/${card.cardNumber}/register`, { token: t, json: {} })).status).toBe(201);
    // This world's other tests tried codes from this same address: start its count afresh.
    const fresh = () => w.db.query("DELETE FROM attempt_limits WHERE key LIKE 'lost-ip:%'");
    await fresh();
    const second = await startIssuer({ db: w.db, authority: w.authority, config: { appOrigin: APP_ORIGIN, lostAttemptsPerHour: 10 } });
    try {
      const guess = (url: string) =>
        fetch(`${url}/v1/lost`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cardNumber: card.cardNumber, recoveryCode: 'WRNG-WRNG-WRNG-WRNG-WRNG' }) });
      const codes: number[] = [];
      for (let i = 0; i < 11; i++) codes.push((await guess(i % 2 === 0 ? w.issuer.url : second.url)).status);
      expect(codes).toEqual([...Array<number>(10).fill(403), 429]);
      expect(await errorOf(await guess(second.url))).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining(`recovery-code attempts on card ${card.cardNumber}`) });
    } finally {
      await second.close();
      await fresh();
    }
  });

  it("spends the operator's tries on wrong credentials only, and keeps no secret out of the logs' reach", async () => {
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' '))));
    try {
      // More right-credential page loads than the hour's 10 tries: none is a guess.
      for (let i = 0; i < 12; i++) expect((await w.call('GET', '/v1/operator/stop-list', { headers: { authorization: w.operatorAuth } })).status).toBe(200);
      const card = w.newCard();
      const token = await w.login(card);
      const code = ((await (await w.call('POST', `/v1/cards/${card.cardNumber}/register`, { token, json: {} })).json()) as { recoveryCode: string }).recoveryCode;
      expect((await w.call('POST', '/v1/lost', { json: { cardNumber: card.cardNumber, recoveryCode: code } })).status).toBe(201);
      const secrets = [token, code, code.replace(/-/g, ''), w.operatorAuth.slice('Basic '.length), atob(w.operatorAuth.slice('Basic '.length)).split(':')[1] ?? 'x'];
      for (const line of logged) for (const s of secrets) expect(line).not.toContain(s);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});

describe('secret comparison', () => {
  it('says equal only for the same bytes of the same length', () => {
    const a = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(sameSecret(a, a.slice())).toBe(true);
    expect(sameSecret(a, Uint8Array.from(a, (v, i) => (i === 31 ? v ^ 1 : v)))).toBe(false);
    expect(sameSecret(a, a.subarray(0, 31))).toBe(false);
    expect(sameSecret(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
