import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, openWorld, type Driver, type World } from './support/world.ts';
import { replacement } from './support/replacement.ts';

// An operator withdraws a restore authorisation the replacement card has not used (the
// JSON API and the console's form, CSRF as the console's other action); the service then
// refuses that counter to the card, the same request again included, and keeps the row.

const form = 'application/x-www-form-urlencoded';

describe.each<Driver>(['pglite', 'pg'])('withdrawing a restore authorisation on %s', (driver) => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(driver, { lostAttemptsPerHour: 100 });
  });
  afterAll(async () => {
    await w?.close();
  });

  const ask = (card: string, token: string, seq: number, counter: number) => w.call('POST', `/v1/cards/${card}/restore-authorisations`, { token, json: { seq, counter } });
  const withdraw = (card: string, counter: number, json?: unknown) =>
    w.call('POST', `/v1/operator/authorisations/${card}/${counter}/withdraw`, { headers: { authorization: w.operatorAuth }, ...(json !== undefined ? { json } : {}) });
  const listed = async () =>
    ((await (await w.call('GET', '/v1/operator/authorisations', { headers: { authorization: w.operatorAuth } })).json()) as { authorisations: Record<string, unknown>[] }).authorisations;

  it('withdraws the unused one (API), refuses it when asked again, and refuses a used or unknown one', async () => {
    const { old, newNumber, token } = await replacement(w);
    expect((await ask(newNumber, token, 1, 1)).status).toBe(201); // counter 2
    expect((await ask(newNumber, token, 1, 2)).status).toBe(201); // counter 3: the card moved past 2
    expect(await listed()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ targetCard: newNumber, sourceCard: old.cardNumber, seq: 1, targetCounter: 2, state: 'used' }),
        expect.objectContaining({ targetCard: newNumber, targetCounter: 3, state: 'unused', withdrawnBy: null }),
      ]),
    );
    // Without the credential, from another site, for a used counter, for none issued: refused, nothing changes.
    expect(await errorOf(await w.call('POST', `/v1/operator/authorisations/${newNumber}/3/withdraw`))).toMatchObject({ status: 401 });
    expect(
      await errorOf(await w.call('POST', `/v1/operator/authorisations/${newNumber}/3/withdraw`, { headers: { authorization: w.operatorAuth, 'sec-fetch-site': 'cross-site' } })),
    ).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
    expect(await errorOf(await withdraw(newNumber, 2))).toMatchObject({ status: 409, code: 'WRONG_STATE', message: expect.stringContaining('is used') });
    expect(await errorOf(await withdraw(newNumber, 9))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await errorOf(await w.call('POST', `/v1/operator/authorisations/${newNumber}/0/withdraw`, { headers: { authorization: w.operatorAuth } }))).toMatchObject({
      status: 400,
    });
    expect(await errorOf(await withdraw(newNumber, 3, { reason: 7 }))).toMatchObject({ status: 400, message: expect.stringContaining('reason') });
    expect(await w.db.query('SELECT 1 FROM authorisations WHERE target_card = $1 AND withdrawn_at IS NOT NULL', [newNumber])).toHaveLength(0);

    const done = await withdraw(newNumber, 3, { reason: 'holder called: not their request' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ withdrawn: { targetCard: newNumber, targetCounter: 3, state: 'withdrawn', withdrawnBy: 'operator', reason: 'holder called: not their request' } });
    // Asked again (a client that lost the answer, or the same document fetched once more), or another point for it: refused.
    expect(await errorOf(await ask(newNumber, token, 1, 2))).toMatchObject({ status: 409, code: 'WITHDRAWN', message: expect.stringContaining('withdrawn by operator') });
    expect(await errorOf(await ask(newNumber, token, 2, 2))).toMatchObject({ status: 409, code: 'WITHDRAWN' });
    expect(await errorOf(await withdraw(newNumber, 3))).toMatchObject({ status: 409, code: 'WRONG_STATE', message: expect.stringContaining('already withdrawn') });
    // The row stays: what was issued is never forgotten.
    expect(await w.db.query('SELECT withdrawn_by, withdraw_reason FROM authorisations WHERE target_card = $1 AND target_counter = 3', [newNumber])).toEqual([
      { withdrawn_by: 'operator', withdraw_reason: 'holder called: not their request' },
    ]);
  });

  it("withdraws from the console's form only when the form comes from the console", async () => {
    const { newNumber, token } = await replacement(w);
    expect((await ask(newNumber, token, 1, 0)).status).toBe(201); // counter 1
    const page = await w.call('GET', '/console/authorisations', { headers: { authorization: w.operatorAuth } });
    const html = await page.text();
    expect(html).toContain(`Withdraw the authorisation of ${newNumber} for counter 1`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const body = new TextEncoder().encode(`card=${newNumber}&counter=1&reason=lost+in+the+post`);
    const post = (headers: Record<string, string>) =>
      fetch(`${w.issuer.url}/console/withdraw`, { method: 'POST', redirect: 'manual', headers: { authorization: w.operatorAuth, 'content-type': form, ...headers }, body });
    expect(await errorOf(await post({}))).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
    expect(await errorOf(await post({ origin: 'https://evil.example' }))).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
    expect(await errorOf(await post({ 'sec-fetch-site': 'same-site', origin: w.issuer.url }))).toMatchObject({ status: 403, code: 'ORIGIN_REFUSED' });
    const asJson = await fetch(`${w.issuer.url}/console/withdraw`, {
      method: 'POST',
      headers: { authorization: w.operatorAuth, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ card: newNumber, counter: 1 }),
    });
    expect(await errorOf(asJson)).toMatchObject({ status: 415, code: 'WRONG_CONTENT_TYPE' });
    const noCredential = await fetch(`${w.issuer.url}/console/withdraw`, { method: 'POST', headers: { 'content-type': form, 'sec-fetch-site': 'same-origin' }, body });
    expect([noCredential.status, noCredential.headers.get('www-authenticate')]).toEqual([401, expect.stringContaining('Basic')]);
    expect(await w.db.query('SELECT 1 FROM authorisations WHERE target_card = $1 AND withdrawn_at IS NOT NULL', [newNumber])).toHaveLength(0);

    const ok = await post({ 'sec-fetch-site': 'same-origin', origin: w.issuer.url });
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/console/authorisations']);
    expect(await errorOf(await ask(newNumber, token, 1, 0))).toMatchObject({ status: 409, code: 'WITHDRAWN' });
    const after = await (await w.call('GET', '/console/authorisations', { headers: { authorization: w.operatorAuth } })).text();
    expect(after).toContain('withdrawn by operator');
    expect(after).toContain('lost in the post');
    expect(after).not.toContain(`Withdraw the authorisation of ${newNumber}`);
  });

  it('lets exactly one of a withdrawal and the card asking for the next counter, at the same moment, decide', async () => {
    const { newNumber, token } = await replacement(w);
    expect((await ask(newNumber, token, 1, 4)).status).toBe(201); // counter 5
    const [wd, next] = await Promise.all([withdraw(newNumber, 5), ask(newNumber, token, 1, 5)]);
    // The card's next request either came first (5 is used: not withdrawn) or found 5 withdrawn
    // and still got 6 (a later counter means the card moved past 5 on its own).
    expect(next.status).toBe(201);
    const rows = await w.db.query('SELECT target_counter, withdrawn_at IS NOT NULL AS withdrawn FROM authorisations WHERE target_card = $1 ORDER BY target_counter', [newNumber]);
    if (wd.status === 200) expect(rows.map((r) => [Number(r['target_counter']), r['withdrawn']])).toEqual([[5, true], [6, false]]);
    else {
      expect(await errorOf(wd)).toMatchObject({ status: 409, code: 'WRONG_STATE' });
      expect(rows.map((r) => [Number(r['target_counter']), r['withdrawn']])).toEqual([[5, false], [6, false]]);
    }
  });
});
