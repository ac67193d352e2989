import { Hono, type Context } from 'hono';
import type { Deps } from './deps.ts';
import { limitBody } from './guards.ts';
import { IssuerError } from '../errors.ts';
import { checkOperator } from '../store/operators.ts';
import { approveReplacement, stopList } from '../store/lost.ts';
import { issuerLosses, ledgerEntries } from '../store/ledger.ts';
import { num, str } from '../db/db.ts';
import { isCardNumber } from '../store/cards.ts';

/** HTTP Basic with the operator credential printed at first start. */
export async function operatorName(d: Deps, c: Context): Promise<string> {
  const h = c.req.header('authorization') ?? '';
  const m = h.match(/^Basic ([A-Za-z0-9+/=]{1,200})$/);
  if (!m?.[1]) throw new IssuerError('UNAUTHENTICATED', 'operator credential required (HTTP Basic: operator name and credential)');
  const [name, ...rest] = atob(m[1]).split(':');
  d.lostAttempts.hit(`op:${name ?? ''}`, 'operator log-in attempts');
  if (!name || !(await checkOperator(d.db, name, rest.join(':')))) throw new IssuerError('UNAUTHENTICATED', 'operator name or credential wrong');
  return name;
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

/** The operator's JSON API (the console page renders the same data). */
export function operatorRoutes(d: Deps): Hono {
  const app = new Hono();
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
  return app;
}
