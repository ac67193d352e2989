import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromHex, hex } from '../../src/protocol/bytes.ts';
import { randomBytes } from '@noble/hashes/utils.js';
import { encodeWrappedKeyV2 } from '../../src/protocol/trust/wrapped-key.ts';
import { joinBackupData } from '../../src/protocol/trust/backup-data.ts';
import { decodeAuthorisationV2, encodeAuthorisationV2, verifyAuthorisationV2 } from '../../src/protocol/trust/authorisation.ts';
import { decodeStopEntry, verifyStopEntry } from '../../src/protocol/trust/stop-entry.ts';
import { decodeLoadToken } from '../../src/protocol/trust/load-token.ts';
import { errorOf, openWorld, type Driver, type World } from './support/world.ts';
import { makeBackup } from './support/backups.ts';
import { TestCard } from './support/test-authority.ts';

// The lost card story of fig. 21 through the API, then the stop list and the ledger.

const epochSigningKey = (w: World) => ed25519.getPublicKey(w.authority.keys.epochs[0]?.signingSecretKey ?? new Uint8Array(32));
const E_MONEY = 'A000000001';
const POINTS = 'A000000002';

describe.each<Driver>(['pglite', 'pg'])('lost card story on %s', (driver) => {
  let w: World;
  beforeAll(async () => {
    // Several stories share this service and one address: more than the 10 recovery-code
    // and operator tries an hour (the limit itself is tested below, in a world of its own).
    w = await openWorld(driver, { lostAttemptsPerHour: 100 });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('stops the card at once, replaces it, authorises one restore and re-issues the balance at the stop', async () => {
    const old = w.newCard();
    const t = await w.login(old);
    const code = ((await (await w.call('POST', `/v1/cards/${old.cardNumber}/register`, { token: t, json: {} })).json()) as { recoveryCode: string }).recoveryCode;
    // Two backups reach the issuer.
    const b1 = makeBackup({ issuer: w.authority.issuerId, cardNumber: old.cardNumber, seq: 1 });
    const b2 = makeBackup({ issuer: w.authority.issuerId, cardNumber: old.cardNumber, seq: 2, prev: b1.hash, kind: 'diff' });
    const uploaded = [b1, b2].map((b) => old.frame(b.header, b.records));
    for (const body of uploaded) expect((await w.call('POST', `/v1/cards/${old.cardNumber}/backups`, { token: t, body })).status).toBe(201);
    // Value: two loads on two applications, one spend receipted.
    for (const [aid, amount] of [[E_MONEY, 5000], [POINTS, 300]] as const) {
      expect((await w.call('POST', `/v1/cards/${old.cardNumber}/loads`, { token: t, json: { aid, amount, counter: 0 } })).status).toBe(201);
    }
    // A retry of the same load answers the same token; another amount for that counter is refused.
    expect((await w.call('POST', `/v1/cards/${old.cardNumber}/loads`, { token: t, json: { aid: POINTS, amount: 300, counter: 0 } })).status).toBe(200);
    expect(await errorOf(await w.call('POST', `/v1/cards/${old.cardNumber}/loads`, { token: t, json: { aid: POINTS, amount: 301, counter: 0 } }))).toMatchObject({ status: 409 });
    const spend = await w.call('POST', '/v1/terminal/receipts', { json: { cardNumber: old.cardNumber, receipt: hex(old.receipt(E_MONEY, 1200, 1)) } });
    expect(await spend.json()).toMatchObject({ issuerLoss: false });
    expect(await errorOf(await w.call('POST', '/v1/terminal/receipts', { json: { cardNumber: old.cardNumber, receipt: hex(old.receipt(E_MONEY, 1200, 1)) } }))).toMatchObject({ status: 409, code: 'REPLAYED' });
    const forgedReceipt = w.newCard().receipt(E_MONEY, 10, 2);
    expect(await errorOf(await w.call('POST', '/v1/terminal/receipts', { json: { cardNumber: old.cardNumber, receipt: hex(forgedReceipt) } }))).toMatchObject({ status: 400, code: 'BAD_SIGNATURE' });
    expect((await w.call('POST', '/v1/terminal/check', { json: { cardNumber: old.cardNumber } })).status).toBe(200);

    // Report lost: a wrong code is refused; the right one stop-lists at once.
    expect(await errorOf(await w.call('POST', '/v1/lost', { json: { cardNumber: old.cardNumber, recoveryCode: 'AAAA-AAAA-AAAA-AAAA-AAAA' } }))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const lost = await w.call('POST', '/v1/lost', { json: { cardNumber: old.cardNumber, recoveryCode: code.toLowerCase() } });
    expect(lost.status).toBe(201);
    const stop = ((await lost.json()) as { stop: { number: number } }).stop;
    expect(await errorOf(await w.call('POST', '/v1/lost', { json: { cardNumber: old.cardNumber, recoveryCode: code } }))).toMatchObject({ status: 409, code: 'WRONG_STATE' });
    const sl = (await (await w.call('GET', `/v1/stop-list?since=${stop.number - 1}`)).json()) as { entries: { number: number; cardNumber: string; entry: string }[] };
    expect(sl.entries).toEqual([expect.objectContaining({ number: stop.number, cardNumber: old.cardNumber })]);
    const signed = decodeStopEntry(fromHex(sl.entries[0]?.entry ?? ''));
    expect(signed.ok && signed.value.cardNumber === old.cardNumber && verifyStopEntry(epochSigningKey(w), signed.value)).toBe(true);

    // The terminal refuses the stopped card; a late receipt is the issuer's loss.
    expect(await errorOf(await w.call('POST', '/v1/terminal/check', { json: { cardNumber: old.cardNumber } }))).toMatchObject({ status: 403, code: 'CARD_STOPPED' });
    const late = await w.call('POST', '/v1/terminal/receipts', { json: { cardNumber: old.cardNumber, receipt: hex(old.receipt(E_MONEY, 700, 2)) } });
    expect(await late.json()).toMatchObject({ issuerLoss: true });
    expect(await errorOf(await w.call('POST', `/v1/cards/${old.cardNumber}/loads`, { token: t, json: { aid: E_MONEY, amount: 1, counter: 1 } }))).toMatchObject({ status: 403, code: 'CARD_STOPPED' });
    // Its session (cached by the service since the uploads) outlives the stop, but no
    // backup is taken any more: the upload's own statement checks the card's state.
    const b3 = makeBackup({ issuer: w.authority.issuerId, cardNumber: old.cardNumber, seq: 3, prev: b2.hash, kind: 'diff' });
    expect(await errorOf(await w.call('POST', `/v1/cards/${old.cardNumber}/backups`, { token: t, body: old.frame(b3.header, b3.records) }))).toMatchObject({ status: 403, code: 'CARD_STOPPED' });
    expect(await errorOf(await w.call('POST', `/v1/cards/${old.cardNumber}/backups`, { token: t, body: uploaded[1] ?? new Uint8Array(0) }))).toMatchObject({ status: 403, code: 'CARD_STOPPED' });

    // Personalising before approval is refused; the operator approves (JSON API).
    const blank = new TestCard(w.authority);
    const pers = { recoveryCode: code, signKey: hex(blank.signKey), boxKey: hex(blank.boxKey), pin: '2468' };
    expect(await errorOf(await w.call('POST', `/v1/replacements/${old.cardNumber}/personalise`, { json: pers }))).toMatchObject({ status: 409, code: 'WRONG_STATE' });
    expect(await errorOf(await w.call('POST', `/v1/operator/replacements/${old.cardNumber}/approve`))).toMatchObject({ status: 401 });
    const ap = await w.call('POST', `/v1/operator/replacements/${old.cardNumber}/approve`, { headers: { authorization: w.operatorAuth } });
    expect(ap.status).toBe(201);
    expect(await errorOf(await w.call('POST', `/v1/replacements/${old.cardNumber}/personalise`, { json: { ...pers, recoveryCode: 'BBBB-BBBB-BBBB-BBBB-BBBB' } }))).toMatchObject({ status: 403 });
    const p = await w.call('POST', `/v1/replacements/${old.cardNumber}/personalise`, { json: pers });
    expect(p.status).toBe(201);
    const { cardNumber: newNumber, certificate } = (await p.json()) as { cardNumber: string; certificate: string };
    expect(newNumber).not.toBe(old.cardNumber);
    expect(await errorOf(await w.call('POST', `/v1/replacements/${old.cardNumber}/personalise`, { json: pers }))).toMatchObject({ status: 409 });

    // The new card logs in with its new certificate and asks for the restore of point 2.
    blank.personalised(newNumber, certificate);
    const nt = await w.login(blank);
    // An empty vault on a new device: the new card lists and fetches the lost card's chain.
    const chain = (await (await w.call('GET', `/v1/cards/${newNumber}/replaced/backups`, { token: nt })).json()) as { cardNumber: string; backups: { seq: number }[] };
    expect(chain).toMatchObject({ cardNumber: old.cardNumber, backups: [{ seq: 1 }, { seq: 2 }] });
    const point = new Uint8Array(await (await w.call('GET', `/v1/cards/${newNumber}/replaced/backups/2`, { token: nt })).arrayBuffer());
    expect(point).toEqual(uploaded[1]);
    expect(await errorOf(await w.call('GET', `/v1/cards/${old.cardNumber}/backups`, { token: nt }))).toMatchObject({ status: 403 });
    const auth = await w.call('POST', `/v1/cards/${newNumber}/restore-authorisations`, { token: nt, json: { seq: 2, counter: 1 } });
    expect(auth.status).toBe(201);
    // Bound to source, target, the point's header hash and the target's counter + 1, signed by the epoch key.
    const issued = ((await auth.json()) as { authorisation: string }).authorisation;
    const doc = decodeAuthorisationV2(fromHex(issued));
    expect(doc.ok).toBe(true);
    if (doc.ok) {
      expect(doc.value).toMatchObject({ sourceCardNumber: old.cardNumber, targetCardNumber: newNumber, chainHead: b2.hash, targetCounter: 2 });
      expect(verifyAuthorisationV2(epochSigningKey(w), doc.value)).toBe(true);
    }
    // The same request again (the answer was lost): the same document, 200. Another point for
    // that counter, or a counter behind it: REPLAYED. The next counter (the card took the first): a new one.
    const again = await w.call('POST', `/v1/cards/${newNumber}/restore-authorisations`, { token: nt, json: { seq: 2, counter: 1 } });
    expect(again.status).toBe(200);
    const firstDoc = doc.ok ? encodeAuthorisationV2(doc.value) : new Uint8Array(0);
    expect(((await again.json()) as { authorisation: string }).authorisation).toBe(hex(firstDoc));
    expect(await errorOf(await w.call('POST', `/v1/cards/${newNumber}/restore-authorisations`, { token: nt, json: { seq: 1, counter: 1 } }))).toMatchObject({ status: 409, code: 'REPLAYED' });
    const next = await w.call('POST', `/v1/cards/${newNumber}/restore-authorisations`, { token: nt, json: { seq: 2, counter: 2 } });
    expect(next.status).toBe(201);
    const nextDoc = decodeAuthorisationV2(fromHex(((await next.json()) as { authorisation: string }).authorisation));
    expect(nextDoc.ok && nextDoc.value.targetCounter).toBe(3);
    expect(await errorOf(await w.call('POST', `/v1/cards/${newNumber}/restore-authorisations`, { token: nt, json: { seq: 2, counter: 0 } }))).toMatchObject({ status: 409, code: 'REPLAYED' });
    // A card that replaces nothing gets no authorisation.
    const stranger = w.newCard();
    const st = await w.login(stranger);
    expect(await errorOf(await w.call('GET', `/v1/cards/${stranger.cardNumber}/replaced/backups`, { token: st }))).toMatchObject({ status: 403 });
    expect(await errorOf(await w.call('POST', `/v1/cards/${stranger.cardNumber}/restore-authorisations`, { token: st, json: { seq: 2, counter: 1 } }))).toMatchObject({ status: 403 });

    // Re-issue: the balance at the stop (5000 - 1200 on app 1, 300 on app 2), once.
    const re = await w.call('POST', `/v1/cards/${newNumber}/reissue`, { token: nt, json: {} });
    expect(re.status).toBe(201);
    const tokens = ((await re.json()) as { tokens: { aid: string; amount: number; token: string }[] }).tokens;
    for (const t of tokens) {
      const lt = decodeLoadToken(fromHex(t.token));
      expect(lt.ok && { card: lt.value.cardNumber, amount: lt.value.amount, counter: lt.value.loadCounter }).toEqual({ card: newNumber, amount: t.amount, counter: 1 });
    }
    expect(tokens.map(({ aid, amount }) => ({ aid, amount }))).toEqual([{ aid: E_MONEY, amount: 3800 }, { aid: POINTS, amount: 300 }]);
    expect(await errorOf(await w.call('POST', `/v1/cards/${newNumber}/reissue`, { token: nt, json: {} }))).toMatchObject({ status: 409, code: 'REPLAYED' });

    // Ledger: the new card holds the re-issued value, the late spend is the issuer's loss.
    const led = (await (await w.call('GET', '/v1/operator/ledger', { headers: { authorization: w.operatorAuth } })).json()) as {
      entries: { cardNumber: string; entry: string; amount: number; afterStop: boolean; reason: string }[];
      issuerLosses: number;
    };
    expect(led.issuerLosses).toBeGreaterThanOrEqual(700);
    const mine = led.entries.filter((e) => e.cardNumber === old.cardNumber || e.cardNumber === newNumber);
    expect(mine.filter((e) => e.afterStop)).toEqual([expect.objectContaining({ cardNumber: old.cardNumber, entry: 'spend', amount: 700 })]);
    expect(mine.filter((e) => e.cardNumber === newNumber).map((e) => e.amount).sort()).toEqual([300, 3800]);
    const bal = await w.call('GET', `/v1/cards/${newNumber}/balance`, { token: nt });
    expect(await bal.json()).toEqual({ balance: 4100 });
    const cards = (await (await w.call('GET', '/v1/operator/cards', { headers: { authorization: w.operatorAuth } })).json()) as { cards: { cardNumber: string; state: string; replaces: string | null }[] };
    expect(cards.cards.find((c) => c.cardNumber === old.cardNumber)?.state).toBe('replaced');
    expect(cards.cards.find((c) => c.cardNumber === newNumber)?.replaces).toBe(old.cardNumber);
    const reports = (await (await w.call('GET', '/v1/operator/lost', { headers: { authorization: w.operatorAuth } })).json()) as { reports: { cardNumber: string; newCard: string | null }[] };
    expect(reports.reports.find((r) => r.cardNumber === old.cardNumber)?.newCard).toBe(newNumber);
  });

  it('refuses (400, naming why) to authorise a stored point whose wrapped key does not open, and records nothing', async () => {
    const old = w.newCard();
    const t = await w.login(old);
    const code = ((await (await w.call('POST', `/v1/cards/${old.cardNumber}/register`, { token: t, json: {} })).json()) as { recoveryCode: string }).recoveryCode;
    // A faulty card: it signs a wrapped key that names it rightly but seals noise.
    const b1 = makeBackup({ issuer: w.authority.issuerId, cardNumber: old.cardNumber, seq: 1 });
    const noise = encodeWrappedKeyV2({ issuer: w.authority.issuerId, epoch: 1, cardNumber: old.cardNumber, enc: randomBytes(32), sealed: randomBytes(48) });
    const body = joinBackupData({ wrappedKey: noise, header: b1.header, signature: old.signHeader(noise, b1.header), records: b1.records });
    expect((await w.call('POST', `/v1/cards/${old.cardNumber}/backups`, { token: t, body })).status).toBe(201);
    expect((await w.call('POST', '/v1/lost', { json: { cardNumber: old.cardNumber, recoveryCode: code } })).status).toBe(201);
    expect((await w.call('POST', `/v1/operator/replacements/${old.cardNumber}/approve`, { headers: { authorization: w.operatorAuth } })).status).toBe(201);
    const blank = new TestCard(w.authority);
    const p = await w.call('POST', `/v1/replacements/${old.cardNumber}/personalise`, { json: { recoveryCode: code, signKey: hex(blank.signKey), boxKey: hex(blank.boxKey), pin: '2468' } });
    const { cardNumber, certificate } = (await p.json()) as { cardNumber: string; certificate: string };
    const nt = await w.login(blank.personalised(cardNumber, certificate));
    const e = await errorOf(await w.call('POST', `/v1/cards/${cardNumber}/restore-authorisations`, { token: nt, json: { seq: 1, counter: 0 } }));
    expect(e).toMatchObject({ status: 400, code: 'BAD_BACKUP' });
    expect(e.message).toMatch(/backup 1 of card \d{16} cannot be restored onto card/);
    const rows = await w.db.query('SELECT 1 FROM authorisations WHERE target_card = $1', [cardNumber]);
    expect(rows).toHaveLength(0);
  });

  it('serves the console as script-free HTML under a strict CSP, to the operator only', async () => {
    expect((await w.call('GET', '/console')).status).toBe(401);
    expect((await w.call('GET', '/console', { headers: { authorization: 'Basic ' + btoa('operator:wrong') } })).status).toBe(401);
    for (const path of ['/console', '/console/cards', '/console/ledger', '/console/stop-list']) {
      const r = await w.call('GET', path, { headers: { authorization: w.operatorAuth } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await r.text();
      expect(html).not.toMatch(/<script|on\w+=/i);
    }
    const cross = await w.call('POST', '/console/approve', {
      headers: { authorization: w.operatorAuth, 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await errorOf(cross)).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
  });
});

describe('rate limits', () => {
  it('allows 10 recovery-code tries per card per hour, then 429', async () => {
    const w = await openWorld('pglite');
    try {
      const card = w.newCard();
      const t = await w.login(card);
      expect((await w.call('POST', `/v1/cards/${card.cardNumber}/register`, { token: t, json: {} })).status).toBe(201);
      const codes: number[] = [];
      for (let i = 0; i < 11; i++) codes.push((await w.call('POST', '/v1/lost', { json: { cardNumber: card.cardNumber, recoveryCode: 'WRNG-WRNG-WRNG-WRNG-WRNG' } })).status);
      expect(codes).toEqual([...Array<number>(10).fill(403), 429]);
    } finally {
      await w.close();
    }
  });

  it('refuses requests over the per-address limit with 429', async () => {
    const w = await openWorld('pglite', { perIpPerMinute: 5 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await w.call('GET', '/v1/health')).status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(await errorOf(await w.call('GET', '/v1/health'))).toMatchObject({ code: 'RATE_LIMITED' });
    } finally {
      await w.close();
    }
  });
});
