import { Hono, type Context } from 'hono';
import type { Deps } from './deps.ts';
import { limitBody, requireContentType } from './guards.ts';
import { IssuerError } from '../errors.ts';
import { authorisationKey, cardSummaries, lostReports, operatorName, withdrawReason } from './routes-operator.ts';
import { listAuthorisations, withdrawAuthorisation } from '../store/authorisations.ts';
import { approveReplacement, stopList } from '../store/lost.ts';
import { issuerLosses, ledgerEntries } from '../store/ledger.ts';
import { isCardNumber } from '../store/cards.ts';

// The operator console: server-rendered HTML, no script at all, one stylesheet from
// 'self', strict CSP. Its actions (approve a replacement, withdraw an unused restore
// authorisation) are form POSTs, accepted only from this origin (Sec-Fetch-Site / Origin)
// so another site cannot submit them.

const CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:1.5rem;color:#111}
nav a{margin-right:1rem}table{border-collapse:collapse;margin:1rem 0}
td,th{border:1px solid #999;padding:.25rem .5rem;text-align:left}
.stopped{color:#a00}button{font:inherit}`;

function page(c: Context, title: string, body: string) {
  c.header('content-security-policy', CSP);
  c.header('x-content-type-options', 'nosniff');
  c.header('x-frame-options', 'DENY'); // frame-ancestors for browsers without CSP level 2
  // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` with the
  // approve form's POST, which the origin check below refuses (found by e2e/issuer-story.spec.ts).
  c.header('referrer-policy', 'same-origin');
  c.header('cache-control', 'no-store');
  return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · icvault issuer</title>
<link rel="stylesheet" href="/console/style.css"></head><body>
<nav aria-label="Console"><a href="/console">Lost reports</a><a href="/console/cards">Cards</a><a href="/console/ledger">Ledger</a><a href="/console/stop-list">Stop list</a><a href="/console/authorisations">Restore authorisations</a></nav>
<main><h1>${esc(title)}</h1>${body}</main></body></html>`);
}

const table = (head: string[], rows: string[][]) =>
  `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td>${v}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

async function asOperator(d: Deps, c: Context): Promise<string | Response> {
  try {
    return await operatorName(d, c);
  } catch (e) {
    if (e instanceof IssuerError && e.code === 'UNAUTHENTICATED') {
      c.header('www-authenticate', 'Basic realm="icvault issuer console", charset="UTF-8"');
      c.header('content-security-policy', CSP);
      return c.text(e.message, 401);
    }
    throw e;
  }
}

/**
 * A console action's request: CSRF first, since the browser attaches the operator's Basic
 * credential to any POST here, the request must show it comes from the console:
 * Sec-Fetch-Site same-origin, or (older browsers) an Origin equal to the service's. A POST
 * showing neither is refused too; tools use the JSON API (/v1/operator). Then the
 * operator, then a form body.
 */
async function consoleAction(d: Deps, c: Context): Promise<Response | { who: string; form: Record<string, unknown> }> {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const self = new URL(c.req.url).origin;
  if ((site === undefined && origin === undefined) || (site !== undefined && site !== 'same-origin') || (origin !== undefined && origin !== self)) {
    throw new IssuerError('ORIGIN_REFUSED', "console actions are accepted only from the console itself (Sec-Fetch-Site same-origin or the service's own Origin)");
  }
  const who = await asOperator(d, c);
  if (typeof who !== 'string') return who;
  requireContentType(c, 'application/x-www-form-urlencoded');
  return { who, form: await c.req.parseBody() };
}

export function consoleRoutes(d: Deps): Hono {
  const app = new Hono();
  app.get('/style.css', (c) => c.body(STYLE, 200, { 'content-type': 'text/css; charset=utf-8' }));

  app.get('/', async (c) => {
    const who = await asOperator(d, c);
    if (typeof who !== 'string') return who;
    const reports = await lostReports(d);
    const rows = reports.map((r) => [
      esc(r.cardNumber),
      esc(r.reportedAt),
      r.newCard ? `replaced by ${esc(r.newCard)}` : r.approved ? 'approved, waiting for the new card' : 'waiting',
      r.approved
        ? ''
        : `<form method="post" action="/console/approve"><input type="hidden" name="card" value="${esc(r.cardNumber)}"><button type="submit">Approve replacement of ${esc(r.cardNumber)}</button></form>`,
    ]);
    return page(c, 'Lost reports', rows.length ? table(['Card', 'Reported', 'Replacement', 'Action'], rows) : '<p>No lost reports.</p>');
  });

  app.post('/approve', limitBody(1024), async (c) => {
    const action = await consoleAction(d, c);
    if (action instanceof Response) return action;
    const { who, form } = action;
    const card = typeof form['card'] === 'string' ? form['card'] : '';
    if (!isCardNumber(card)) throw new IssuerError('BAD_REQUEST', 'card number must be 16 digits');
    await approveReplacement(d.db, who, card);
    return c.redirect('/console', 303);
  });

  app.get('/authorisations', async (c) => {
    const who = await asOperator(d, c);
    if (typeof who !== 'string') return who;
    const rows = (await listAuthorisations(d.db)).map((a) => [
      esc(a.targetCard),
      esc(a.sourceCard),
      String(a.seq),
      String(a.targetCounter),
      esc(a.issuedAt),
      a.state === 'withdrawn'
        ? `<span class="stopped">withdrawn by ${esc(a.withdrawnBy ?? '')} at ${esc(a.withdrawnAt ?? '')}${a.reason ? `: ${esc(a.reason)}` : ''}</span>`
        : a.state,
      a.state === 'unused'
        ? `<form method="post" action="/console/withdraw"><input type="hidden" name="card" value="${esc(a.targetCard)}"><input type="hidden" name="counter" value="${a.targetCounter}"><label>Reason <input name="reason" maxlength="200"></label> <button type="submit">Withdraw the authorisation of ${esc(a.targetCard)} for counter ${a.targetCounter}</button></form>`
        : '',
    ]);
    return page(
      c,
      'Restore authorisations',
      `<p>Only the newest authorisation of a replacement card can be withdrawn: an older one is used (the card has asked for a later counter since). A document the app already fetched stays valid on the card.</p>${
        rows.length ? table(['Replacement card', 'Lost card', 'Backup', 'Counter', 'Issued', 'State', 'Action'], rows) : '<p>No restore authorisations.</p>'
      }`,
    );
  });

  app.post('/withdraw', limitBody(1024), async (c) => {
    const action = await consoleAction(d, c);
    if (action instanceof Response) return action;
    const { who, form } = action;
    const key = authorisationKey(typeof form['card'] === 'string' ? form['card'] : '', typeof form['counter'] === 'string' ? form['counter'] : '');
    await withdrawAuthorisation(d.db, who, key.card, key.counter, withdrawReason(form['reason']));
    return c.redirect('/console/authorisations', 303);
  });

  app.get('/cards', async (c) => {
    const who = await asOperator(d, c);
    if (typeof who !== 'string') return who;
    const rows = (await cardSummaries(d)).map((s) => [
      esc(s.cardNumber),
      `<span class="${s.state === 'active' ? '' : 'stopped'}">${esc(s.state)}</span>`,
      s.registered ? 'yes' : 'no',
      s.replaces ? esc(s.replaces) : '',
      String(s.backups),
      String(s.headSeq),
    ]);
    return page(c, 'Cards', table(['Card', 'State', 'Registered', 'Replaces', 'Backups', 'Head'], rows));
  });

  app.get('/ledger', async (c) => {
    const who = await asOperator(d, c);
    if (typeof who !== 'string') return who;
    const rows = (await ledgerEntries(d.db)).map((e) => [
      String(e.id),
      esc(e.cardNumber),
      esc(e.aid),
      e.entry,
      String(e.amount),
      String(e.counter),
      e.afterStop ? '<span class="stopped">issuer loss (after stop)</span>' : esc(e.reason),
    ]);
    const loss = await issuerLosses(d.db);
    return page(c, 'Ledger', `<p>Issuer losses (spends receipted after a stop): ${loss}</p>${table(['#', 'Card', 'AID', 'Entry', 'Amount', 'Counter', 'Note'], rows)}`);
  });

  app.get('/stop-list', async (c) => {
    const who = await asOperator(d, c);
    if (typeof who !== 'string') return who;
    const rows = (await stopList(d.db)).map((s) => [String(s.number), esc(s.cardNumber), new Date(s.stoppedAt).toISOString(), `<code>${s.entry.slice(-16)}</code>`]);
    return page(c, 'Stop list', table(['#', 'Card', 'Stopped', 'Signature (end)'], rows));
  });
  return app;
}
