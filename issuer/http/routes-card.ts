import { Hono, type Context } from 'hono';
import type { Deps } from './deps.ts';
import { bearer, cardParam, hexField, intField, jsonBody, limitBody, requireContentType, stringField } from './guards.ts';
import { IssuerError } from '../errors.ts';
import { login, newChallenge, sessionCardRow, sessionIdentity } from '../store/sessions.ts';
import { chainHead, fetchBackup, listBackups, uploadBackup } from '../store/backups.ts';
import { register, authoriseRestore, reissueValue } from '../store/lost.ts';
import { balance, issueLoad } from '../store/ledger.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { binaryBody } from './body.ts';
import { getCard } from '../store/cards.ts';

/** Routes a card reaches after proving itself: each for its own card number only. */
export function cardRoutes(d: Deps): Hono {
  const app = new Hono();
  const json = limitBody(d.config.maxJsonBytes);

  app.post('/auth/challenge', json, async (c) => {
    const { challenge, expiresAt } = await newChallenge(d.db, d.config.now());
    return c.json({ challenge: hex(challenge), expiresAt });
  });

  app.post('/auth/login', json, async (c) => {
    const b = await jsonBody(c);
    const s = await login(
      d.db,
      d.authority,
      { certificate: hexField(b, 'certificate'), challenge: hexField(b, 'challenge', 32), signature: hexField(b, 'signature') },
      d.config.now(),
    );
    return c.json(s);
  });

  /** The session's card, which must be the card in the path. */
  const own = async (c: Context) => {
    const card = cardParam(c);
    const mine = await sessionCardRow(d.db, d.authority, bearer(c), d.config.now());
    if (mine.identity.cardNumber !== card) throw new IssuerError('FORBIDDEN', `this session is for card ${mine.identity.cardNumber} only, not ${card}`);
    d.perCard.hit(card, `card ${card}`);
    return mine;
  };

  app.get('/cards/:card', async (c) => {
    const card = await own(c);
    const head = await chainHead(d.db, card.identity.cardNumber);
    return c.json({ cardNumber: card.identity.cardNumber, state: card.state, registered: card.registered, replaces: card.replaces, head });
  });

  app.post('/cards/:card/register', json, async (c) => {
    const card = await own(c);
    const recoveryCode = await register(d.db, card.identity.cardNumber);
    return c.json({ recoveryCode, note: 'Shown once. Only this code reports the card lost.' }, 201);
  });

  // The hot path: the session from the process's cache, the card's state checked inside
  // the upload's one statement (a stop-listed card moves no head: 403 CARD_STOPPED).
  app.post('/cards/:card/backups', limitBody(d.config.maxBackupBytes), async (c) => {
    const card = cardParam(c);
    const identity = await sessionIdentity(d.db, d.authority, d.sessions, bearer(c), d.config.now());
    if (identity.cardNumber !== card) throw new IssuerError('FORBIDDEN', `this session is for card ${identity.cardNumber} only, not ${card}`);
    d.perCard.hit(card, `card ${card}`);
    requireContentType(c, 'application/octet-stream');
    const data = await binaryBody(c);
    if (data.length === 0) throw new IssuerError('BAD_REQUEST', 'empty body: send the backup bytes');
    const r = await uploadBackup(d.db, d.blobs, d.authority, identity, data, c.req.header('x-content-sha256'), {
      quotaBytes: d.config.quotaBytes,
    }, d.uploads);
    return c.json(r, r.created ? 201 : 200);
  });

  app.get('/cards/:card/backups', async (c) => {
    const card = await own(c);
    return c.json({ backups: await listBackups(d.db, card.identity.cardNumber), head: await chainHead(d.db, card.identity.cardNumber) });
  });

  app.get('/cards/:card/backups/:seq', async (c) => {
    const card = await own(c);
    const seq = Number(c.req.param('seq'));
    if (!Number.isSafeInteger(seq) || seq < 1) throw new IssuerError('BAD_REQUEST', 'backup number must be a whole number from 1');
    const data = await fetchBackup(d.db, d.blobs, card.identity.cardNumber, seq);
    return c.body(data.slice().buffer, 200, { 'content-type': 'application/octet-stream' });
  });

  // The replacement card reads the chain of the card it replaces (to choose the point and
  // restore it on a device whose vault is empty).
  const replaced = async (c: Context) => {
    const card = await own(c);
    if (card.replaces === null) throw new IssuerError('FORBIDDEN', `card ${card.identity.cardNumber} replaces no lost card`);
    return card.replaces;
  };
  app.get('/cards/:card/replaced/backups', async (c) => {
    const lost = await replaced(c);
    // The lost card's certificate too: a new browser's vault checks the chain's header signatures with it.
    const certificate = hex((await getCard(d.db, d.authority, lost)).identity.certificate);
    return c.json({ cardNumber: lost, certificate, backups: await listBackups(d.db, lost), head: await chainHead(d.db, lost) });
  });
  app.get('/cards/:card/replaced/backups/:seq', async (c) => {
    const lost = await replaced(c);
    const seq = Number(c.req.param('seq'));
    if (!Number.isSafeInteger(seq) || seq < 1) throw new IssuerError('BAD_REQUEST', 'backup number must be a whole number from 1');
    const data = await fetchBackup(d.db, d.blobs, lost, seq);
    return c.body(data.slice().buffer, 200, { 'content-type': 'application/octet-stream' });
  });

  app.get('/cards/:card/balance', async (c) => {
    const card = await own(c);
    return c.json({ balance: await balance(d.db, card.identity.cardNumber) });
  });

  app.post('/cards/:card/loads', json, async (c) => {
    const card = await own(c);
    if (!d.config.demoLoads) throw new IssuerError('FORBIDDEN', 'load tokens are sold at a terminal, not asked for by a card (this is not the demo issuer)');
    const b = await jsonBody(c);
    const aid = stringField(b, 'aid', 32).toUpperCase();
    const r = await issueLoad(d.db, d.authority, card.identity, aid, intField(b, 'amount', 1, 1_000_000), intField(b, 'counter', 0, 2 ** 32 - 2) + 1, 'demo top-up');
    return c.json({ token: hex(r.token), counter: r.counter }, r.created ? 201 : 200);
  });

  app.post('/cards/:card/restore-authorisations', json, async (c) => {
    const card = await own(c);
    const b = await jsonBody(c);
    // counter: the card's authorisation counter now; the authorisation is for counter + 1.
    // The same request again answers the stored document (200): a client that lost the answer.
    const r = await authoriseRestore(d.db, d.blobs, d.authority, card.identity, intField(b, 'seq', 1, 2 ** 31), intField(b, 'counter', 0, 2 ** 32 - 2) + 1);
    return c.json({ authorisation: hex(r.document) }, r.created ? 201 : 200);
  });

  app.post('/cards/:card/reissue', json, async (c) => {
    const card = await own(c);
    const b = await jsonBody(c);
    const counters: Record<string, number> = {};
    const given = b['counters'];
    if (given !== undefined) {
      if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new IssuerError('BAD_REQUEST', 'field "counters" must map AIDs to load counters');
      for (const [aid, v] of Object.entries(given)) counters[aid.toUpperCase()] = intField({ v }, 'v', 0, 2 ** 32 - 2);
    }
    return c.json({ tokens: await reissueValue(d.db, d.authority, card.identity, counters) }, 201);
  });

  return app;
}
