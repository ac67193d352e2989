import { Hono } from 'hono';
import type { Deps } from './deps.ts';
import { clientAddress, hexField, jsonBody, limitBody, stringField } from './guards.ts';
import { IssuerError } from '../errors.ts';
import { getCard, isCardNumber } from '../store/cards.ts';
import { personaliseReplacement, reportLost, stopList } from '../store/lost.ts';
import { recordReceipt } from '../store/ledger.ts';
import { hex } from '../../src/protocol/bytes.ts';

function cardField(b: Record<string, unknown>): string {
  const v = stringField(b, 'cardNumber', 32).replace(/\s/g, '');
  if (!isCardNumber(v)) throw new IssuerError('BAD_REQUEST', 'field "cardNumber" must be 16 digits');
  return v;
}

/** Routes that need no session: the holder with the recovery code, and terminals. */
export function publicRoutes(d: Deps): Hono {
  const app = new Hono();
  const json = limitBody(d.config.maxJsonBytes);

  app.post('/lost', json, async (c) => {
    const b = await jsonBody(c);
    const card = cardField(b);
    await d.lostAttempts.hit(`lost:${card}`, `recovery-code attempts on card ${card}`);
    await d.lostAttempts.hit(`lost-ip:${clientAddress(c)}`, 'recovery-code attempts from this address');
    const entry = await reportLost(d.db, d.authority, card, stringField(b, 'recoveryCode', 64), d.config.now());
    return c.json({ stop: entry }, 201);
  });

  app.post('/replacements/:card/personalise', json, async (c) => {
    const lost = c.req.param('card');
    if (!isCardNumber(lost)) throw new IssuerError('BAD_REQUEST', 'card number must be 16 digits');
    const b = await jsonBody(c);
    await d.lostAttempts.hit(`lost:${lost}`, `recovery-code attempts on card ${lost}`);
    const out = await personaliseReplacement(
      d.db,
      d.authority,
      lost,
      stringField(b, 'recoveryCode', 64),
      { signKey: hexField(b, 'signKey', 32), boxKey: hexField(b, 'boxKey', 32) },
      stringField(b, 'pin', 12),
    );
    return c.json({ cardNumber: out.cardNumber, certificate: hex(out.certificate), personalisation: hex(out.personalisation) }, 201);
  });

  app.get('/stop-list', async (c) => {
    const since = Number(c.req.query('since') ?? '0');
    if (!Number.isSafeInteger(since) || since < 0) throw new IssuerError('BAD_REQUEST', '"since" must be a stop-list number');
    return c.json({ entries: await stopList(d.db, since) });
  });

  // A terminal asks before it takes a card (the demo's "use the card"): a stop-listed
  // card is refused with a plain message.
  app.post('/terminal/check', json, async (c) => {
    const b = await jsonBody(c);
    const card = await getCard(d.db, d.authority, cardField(b));
    if (card.state !== 'active') throw new IssuerError('CARD_STOPPED', `card ${card.identity.cardNumber} was reported lost and is stop-listed: do not accept it`);
    return c.json({ ok: true });
  });

  app.post('/terminal/receipts', json, async (c) => {
    const b = await jsonBody(c);
    const r = await recordReceipt(d.db, d.authority, cardField(b), hexField(b, 'receipt'));
    return c.json(r, 201);
  });

  return app;
}
