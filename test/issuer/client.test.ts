import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssuerClient, IssuerRequestError } from '../../src/host/issuer-client.ts';
import { UploadQueue } from '../../src/host/issuer-queue.ts';
import { openWorld, type World } from './support/world.ts';
import { makeBackup } from './support/backups.ts';
import type { TestCard } from './support/test-authority.ts';

// The app's client and upload queue against the real service: retries what may succeed
// later, re-logs in when the session is gone, and a retry after a lost answer is
// answered "already stored" (idempotent by content).

describe('issuer client and upload queue', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld('pglite');
  });
  afterAll(async () => {
    await w?.close();
  });

  const proof = (card: TestCard) => ({ certificate: card.certificate, sign: async (c: Uint8Array) => card.signChallenge(c) });

  it('uploads a chain through failures and lost answers, then fills an empty vault from the issuer', async () => {
    const card = w.newCard();
    let calls = 0;
    const failures: ('throw' | '503' | 'lose-answer')[] = ['throw', '503', 'lose-answer'];
    const flaky: typeof fetch = async (input, init) => {
      const url = String(input);
      if (!url.endsWith('/backups') || init?.method !== 'POST') return fetch(input, init);
      calls++;
      const f = failures.shift();
      if (f === 'throw') throw new TypeError('network down');
      if (f === '503') return new Response('{"error":{"code":"X","message":"busy"}}', { status: 503 });
      const r = await fetch(input, init);
      if (f === 'lose-answer') throw new TypeError('connection reset after the body was sent');
      return r;
    };
    const delays: number[] = [];
    const queue = new UploadQueue({
      client: new IssuerClient(w.issuer.url, flaky),
      proofFor: async () => proof(card),
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 1,
      baseDelayMs: 100,
    });
    const b1 = makeBackup({ issuer: w.authority.issuerId, cardNumber: card.cardNumber, seq: 1 });
    const b2 = makeBackup({ issuer: w.authority.issuerId, cardNumber: card.cardNumber, seq: 2, prev: b1.hash, kind: 'diff' });
    const bodies = [card.frame(b1.header, b1.records), card.frame(b2.header, b2.records)];
    const [r1, r2] = await Promise.all(bodies.map((b) => queue.enqueue(card.cardNumber, b)));
    expect(r1).toMatchObject({ state: 'stored', outcome: { seq: 1, created: false } }); // stored on the lost answer's try
    expect(r2).toMatchObject({ state: 'stored', outcome: { seq: 2, created: true } });
    expect(calls).toBe(5);
    expect(delays).toEqual([100, 200, 400]);

    // A new browser: log in with the card, list and fetch what the issuer keeps.
    const client = new IssuerClient(w.issuer.url);
    const s = await client.login(proof(card));
    const list = await client.listBackups(s);
    expect(list.backups.map((b) => b.seq)).toEqual([1, 2]);
    expect(await client.fetchBackup(s, 2)).toEqual(bodies[1]);
  });

  it('gives up on refusals at once and names them', async () => {
    const card = w.newCard();
    const queue = new UploadQueue({ client: new IssuerClient(w.issuer.url), proofFor: async () => proof(card), sleep: async () => undefined });
    const b = makeBackup({ issuer: w.authority.issuerId, cardNumber: card.cardNumber, seq: 1 });
    const r = await queue.enqueue(card.cardNumber, card.frame(b.header, b.records, () => new Uint8Array(64)));
    expect(r.state).toBe('refused');
    if (r.state === 'refused') {
      expect(r.error).toBeInstanceOf(IssuerRequestError);
      expect(r.error).toMatchObject({ code: 'BAD_SIGNATURE', status: 400, transient: false });
    }
    const unreachable = new UploadQueue({ client: new IssuerClient('http://127.0.0.1:9'), proofFor: async () => proof(card), sleep: async () => undefined, maxAttempts: 3 });
    const u = await unreachable.enqueue(card.cardNumber, card.frame(b.header, b.records));
    expect(u.state === 'refused' && u.error.code).toBe('UNREACHABLE');
  });
});
