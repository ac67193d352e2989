// Screenshots of the operator console for docs/issuer.md, after a lost card story run
// through the API: `npx tsx test/issuer/support/console-shots.ts`.
import { chromium } from '@playwright/test';
import { chromiumExecutable } from '../../../e2e/chromium-path.ts';
import { hex } from '../../../src/protocol/bytes.ts';
import { TestCard } from './test-authority.ts';
import { makeBackup } from './backups.ts';
import { openWorld } from './world.ts';

const AID = 'A000000001';
const w = await openWorld('pglite');
try {
  const cards = [w.newCard(), w.newCard(), w.newCard()];
  const codes: string[] = [];
  for (const card of cards) {
    const t = await w.login(card);
    codes.push(((await (await w.call('POST', `/v1/cards/${card.cardNumber}/register`, { token: t, json: {} })).json()) as { recoveryCode: string }).recoveryCode);
    const b = makeBackup({ issuer: w.authority.issuerId, cardNumber: card.cardNumber, seq: 1 });
    await w.call('POST', `/v1/cards/${card.cardNumber}/backups`, { token: t, body: card.frame(b.header, b.records) });
    await w.call('POST', `/v1/cards/${card.cardNumber}/loads`, { token: t, json: { aid: AID, amount: 5000, counter: 0 } });
    await w.call('POST', '/v1/terminal/receipts', { json: { cardNumber: card.cardNumber, receipt: hex(card.receipt(AID, 1200, 1)) } });
  }
  const [lost, waiting] = cards;
  if (!lost || !waiting) throw new Error('cards');
  await w.call('POST', '/v1/lost', { json: { cardNumber: lost.cardNumber, recoveryCode: codes[0] } });
  await w.call('POST', '/v1/lost', { json: { cardNumber: waiting.cardNumber, recoveryCode: codes[1] } });
  await w.call('POST', '/v1/terminal/receipts', { json: { cardNumber: lost.cardNumber, receipt: hex(lost.receipt(AID, 700, 2)) } });
  await w.call('POST', `/v1/operator/replacements/${lost.cardNumber}/approve`, { headers: { authorization: w.operatorAuth } });
  const blank = new TestCard(w.authority);
  const p = (await (await w.call('POST', `/v1/replacements/${lost.cardNumber}/personalise`, { json: { recoveryCode: codes[0], signKey: hex(blank.signKey), boxKey: hex(blank.boxKey), pin: '2468' } })).json()) as { cardNumber: string; certificate: string };
  blank.personalised(p.cardNumber, p.certificate);
  const nt = await w.login(blank);
  await w.call('POST', `/v1/cards/${p.cardNumber}/reissue`, { token: nt, json: {} });
  // Two restore authorisations for the replacement: the first used (the card asked for the
  // next counter since), the second unused, withdrawn below through the console's form.
  for (const counter of [0, 1]) await w.call('POST', `/v1/cards/${p.cardNumber}/restore-authorisations`, { token: nt, json: { seq: 1, counter } });

  const browser = await chromium.launch({ executablePath: chromiumExecutable() });
  const [user, pass] = atob(w.operatorAuth.slice(6)).split(':');
  const page = await browser.newPage({ httpCredentials: { username: user ?? '', password: pass ?? '' }, viewport: { width: 1000, height: 520 } });
  for (const [path, file] of [['/console', 'issuer-console-lost'], ['/console/ledger', 'issuer-console-ledger'], ['/console/stop-list', 'issuer-console-stop-list']] as const) {
    await page.goto(w.issuer.url + path);
    await page.screenshot({ path: `docs/screenshots/${file}.png`, fullPage: true });
  }
  // Withdraw the unused authorisation in Chromium (the form's CSRF check sees the
  // browser's own Sec-Fetch-Site: same-origin).
  await page.goto(w.issuer.url + '/console/authorisations');
  await page.getByLabel('Reason').fill('holder called: not their request');
  await page.getByRole('button', { name: `Withdraw the authorisation of ${p.cardNumber} for counter 2` }).click();
  await page.waitForURL('**/console/authorisations');
  if (!(await page.content()).includes('withdrawn by operator')) throw new Error('the console did not withdraw the authorisation');
  await page.screenshot({ path: 'docs/screenshots/issuer-console-authorisations.png', fullPage: true });
  await browser.close();
} finally {
  await w.close();
}
