/**
 * The demo card of protocol version 2 against the demo issuer service (the pair
 * `npm start` runs): the card proves itself and registers, and every backup goes up,
 * including a diff that carried no page (nothing changed since its base).
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { coreAuthority } from '../../issuer/authority-core.ts';
import { demoIssuerKeys } from '../../issuer/core/demo.ts';
import { migrate } from '../../issuer/db/migrate.ts';
import { openPglite } from '../../issuer/db/pglite.ts';
import { startIssuer } from '../../issuer/server.ts';
import type { IssuerSyncState } from '../../src/ui/model.ts';
import { createServices } from '../../src/ui/services/create.ts';
import { memoryKeyValue } from '../../src/ui/services/notes.ts';

let issuer: Awaited<ReturnType<typeof startIssuer>>;
let db: Awaited<ReturnType<typeof openPglite>>;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  issuer = await startIssuer({ db, authority: coreAuthority(demoIssuerKeys()), config: { appOrigin: 'http://app.test', demoLoads: true } });
});
afterAll(async () => {
  await issuer?.close();
});

it('the demo card registers and uploads a full, a diff and an empty diff; the timeline says both', async () => {
  const s = createServices(undefined, { notes: memoryKeyValue(), issuerUrl: issuer.url });
  const states: IssuerSyncState[] = [];
  s.onIssuerState?.((st) => states.push(st));
  await s.connectDemo();
  await s.readCard();
  expect(await s.issuerLink?.()).toMatchObject({ cardNumber: '4900000000000001', recoveryCode: expect.any(String), filled: 0 });
  const o = { signal: new AbortController().signal, onProgress: () => undefined };
  const settled = async () => {
    await expect.poll(() => states.at(-1)?.kind, { timeout: 10_000 }).not.toBe('uploading');
  };
  await s.backup({ ...o, kind: 'full', pin: '1234' });
  await settled();
  await s.demo()?.spend(100);
  await s.backup({ ...o, kind: 'auto', pin: '1234' });
  await settled();
  const empty = await s.backup({ ...o, kind: 'auto', pin: '1234' });
  expect(empty.kind).toBe('diff');
  await settled();
  const places = async () => (await s.timeline('4900000000000001', 0, 10)).map((r) => [r.seq, r.place]);
  await expect.poll(places, { timeout: 10_000 }).toEqual([
    [3, 'both'],
    [2, 'both'],
    [1, 'both'],
  ]);
  expect(states.filter((x) => x.kind === 'refused')).toEqual([]);
});

it('after a reset, the new sample card takes the next number the service does not hold: it registers and the ledger knows its opening value', async () => {
  // The same browser as above: card 4900000000000001 is the service's, with the first card's key.
  const s = createServices(undefined, { notes: memoryKeyValue(), issuerUrl: issuer.url });
  await s.connectDemo();
  await s.demo()?.resetDemo();
  expect(await s.cardPresent()).toBe(true);
  expect((await s.readCard()).cardNumber).toBe('4900000000000002');
  expect(await s.issuerLink?.()).toMatchObject({ cardNumber: '4900000000000002', recoveryCode: expect.any(String) });
  const loads = await db.query("SELECT aid, amount FROM ledger WHERE card_number = '4900000000000002' AND entry = 'load' ORDER BY aid");
  expect(loads.map((r) => Number(r['amount'])).sort((a, b) => a - b)).toEqual([1250, 3200]);
});
