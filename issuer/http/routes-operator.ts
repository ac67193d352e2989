import { Hono, type Context } from 'hono';
import type { Deps } from './deps.ts';
import { clientAddress, limitBody } from './guards.ts';
import { IssuerError } from '../errors.ts';
import { checkOperator } from '../store/operators.ts';
import { approveReplacement, stopList } from '../store/lost.ts';
import { issuerLosses, ledgerEntries } from '../store/ledger.ts';
import { num, str } from '../db/db.ts';
import { isCardNumber } from '../store/cards.ts';
import { listAuthorisations, withdrawAuthorisation } from '../store/authorisations.ts';
import { jsonBody } from './guards.ts';

/** HTTP Basic with the operator credential printed at first start. Tries are bounded per
 *  operator name and per address (in the database, across processes). */
export async function operatorName(d: Deps, c: Context): Promise<string> {
  const h = c.req.header('authorization');
  if (h === undefined) throw new IssuerError('UNAUTHENTICATED', 'operator credential required (HTTP Basic: operator name and credential)');
  const m = h.match(/^Basic ([A-Za-z0-9+/]{2,200}={0,2})$/);
  if (!m?.[1]) throw new IssuerError('UNAUTHENTICATED', 'Authorization header must be "Basic" and base64 of name:credential');
  let decoded: string;
  try {
    decoded = atob(m[1]);
  } catch (cause) {
    throw new IssuerError('UNAUTHENTICATED', 'the Basic credential is not valid base64', { cause });
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new IssuerError('UNAUTHENTICATED', 'the Basic credential must be name:credential');
  const name = decoded.slice(0, colon);
  const keys = [`op-ip:${clientAddress(c)}`, `op:${name}`] as const;
  await d.lostAttempts.hit(keys[0], 'operator log-in attempts from this address');
  await d.lostAttempts.hit(keys[1], `log-in attempts as operator ${JSON.stringify(name.slice(0, 40))}`);
  if (!(await checkOperator(d.db, name, decoded.slice(colon + 1)))) throw new IssuerError('UNAUTHENTICATED', 'operator name or credential wrong');
  // A right credential is not a guess: only wrong ones use up the hour's tries.
  for (const k of keys) await d.lostAttempts.refund(k);
  return name;
}

/** The operator API is for tools (curl, scripts), not pages of other sites: a browser
 *  request that says it comes from another site is refused before the credential (which
 *  a browser would attach by itself after the console's Basic prompt) is looked at. */
export function refuseCrossSite(c: Context): void {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  if ((site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && origin !== new URL(c.req.url).origin)) {
    throw new IssuerError('ORIGIN_REFUSED', 'operator requests are accepted only from the service itself or from a tool, not from another site');
  }
}

export interface CardSummary {
  cardNumber: string;
  state: string;
  registered: boolean;
  replaces: string | null;
  backups: number;
  headSeq: number;
}

export async function cardSummaries(d: Deps, limit = 200): Promise<CardSummary[]> {
  const rows = await d.db.query(
    `SELECT c.card_number, c.state, c.replaces, (c.registered_at IS NOT NULL) AS registered, h.seq,
            (SELECT count(*) FROM backups b WHERE b.card_number = c.card_number) AS backups
       FROM cards c JOIN chain_heads h ON h.card_number = c.card_number ORDER BY c.created_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    cardNumber: str(r['card_number']),
    state: str(r['state']),
    registered: r['registered'] === true,
    replaces: r['replaces'] === null ? null : str(r['replaces']),
    backups: num(r['backups']),
    headSeq: num(r['seq']),
  }));
}

export interface LostReport {
  cardNumber: string;
  reportedAt: string;
  approved: boolean;
  newCard: string | null;
}

export async function lostReports(d: Deps): Promise<LostReport[]> {
  const rows = await d.db.query(
    `SELECT l.card_number, l.reported_at::text AS at, (r.lost_card IS NOT NULL) AS approved, r.new_card
       FROM lost_reports l LEFT JOIN replacements r ON r.lost_card = l.card_number ORDER BY l.id DESC LIMIT 200`,
  );
  return rows.map((r) => ({
    cardNumber: str(r['card_number']),
    reportedAt: str(r['at']),
    approved: r['approved'] === true,
    newCard: r['new_card'] === null || r['new_card'] === undefined ? null : str(r['new_card']),
  }));
}

/** Which authorisation: the card it was issued to and the counter it names. */
export function authorisationKey(card: string | undefined, counter: string | undefined): { card: string; counter: number } {
  if (!card || !isCardNumber(card)) throw new IssuerError('BAD_REQUEST', 'card number must be 16 digits');
  const n = Number(counter);
  if (!counter || !/^\d{1,10}$/.test(counter) || n < 1 || n > 2 ** 32 - 1) throw new IssuerError('BAD_REQUEST', 'the authorisation counter must be a whole number in 1..4294967295');
  return { card, counter: n };
}

/** An optional reason for a withdrawal: absent or empty is none, else up to 200 characters. */
export function withdrawReason(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > 200) throw new IssuerError('BAD_REQUEST', 'field "reason" must be a string of at most 200 characters');
  return v;
}

/** The operator's JSON API (the console page renders the same data). */
export function operatorRoutes(d: Deps): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    refuseCrossSite(c);
    await next();
  });
  app.get('/cards', async (c) => {
    await operatorName(d, c);
    return c.json({ cards: await cardSummaries(d) });
  });
  app.get('/lost', async (c) => {
    await operatorName(d, c);
    return c.json({ reports: await lostReports(d) });
  });
  app.get('/ledger', async (c) => {
    await operatorName(d, c);
    return c.json({ entries: await ledgerEntries(d.db), issuerLosses: await issuerLosses(d.db) });
  });
  app.get('/stop-list', async (c) => {
    await operatorName(d, c);
    return c.json({ entries: await stopList(d.db) });
  });
  app.post('/replacements/:card/approve', limitBody(1024), async (c) => {
    const name = await operatorName(d, c);
    const card = c.req.param('card');
    if (!isCardNumber(card)) throw new IssuerError('BAD_REQUEST', 'card number must be 16 digits');
    await approveReplacement(d.db, name, card);
    return c.json({ approved: card, by: name }, 201);
  });
  app.get('/authorisations', async (c) => {
    await operatorName(d, c);
    return c.json({ authorisations: await listAuthorisations(d.db) });
  });
  // Withdraw the restore authorisation issued to :card for its counter :counter, if unused;
  // a JSON body {reason} is optional.
  app.post('/authorisations/:card/:counter/withdraw', limitBody(1024), async (c) => {
    const name = await operatorName(d, c);
    const { card, counter } = authorisationKey(c.req.param('card'), c.req.param('counter'));
    const hasBody = Number(c.req.header('content-length') ?? '0') > 0;
    const reason = hasBody ? withdrawReason((await jsonBody(c))['reason']) : null;
    return c.json({ withdrawn: await withdrawAuthorisation(d.db, name, card, counter, reason) });
  });
  return app;
}
