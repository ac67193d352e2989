import { expect } from 'vitest';
import { hex } from '../../../src/protocol/bytes.ts';
import type { World } from './world.ts';
import { makeBackup, type MadeBackup } from './backups.ts';
import { TestCard } from './test-authority.ts';

/** A lost card with one backup, an approved and personalised replacement logged in. */
export async function replacement(w: World): Promise<{ old: TestCard; point: MadeBackup; newNumber: string; token: string }> {
  const old = w.newCard();
  const t = await w.login(old);
  const code = ((await (await w.call('POST', `/v1/cards/${old.cardNumber}/register`, { token: t, json: {} })).json()) as { recoveryCode: string }).recoveryCode;
  const point = makeBackup({ issuer: w.authority.issuerId, cardNumber: old.cardNumber, seq: 1 });
  expect((await w.call('POST', `/v1/cards/${old.cardNumber}/backups`, { token: t, body: old.frame(point.header, point.records) })).status).toBe(201);
  expect((await w.call('POST', '/v1/lost', { json: { cardNumber: old.cardNumber, recoveryCode: code } })).status).toBe(201);
  expect((await w.call('POST', `/v1/operator/replacements/${old.cardNumber}/approve`, { headers: { authorization: w.operatorAuth } })).status).toBe(201);
  const blank = new TestCard(w.authority);
  const p = await w.call('POST', `/v1/replacements/${old.cardNumber}/personalise`, { json: { recoveryCode: code, signKey: hex(blank.signKey), boxKey: hex(blank.boxKey), pin: '2468' } });
  const { cardNumber, certificate } = (await p.json()) as { cardNumber: string; certificate: string };
  return { old, point, newNumber: cardNumber, token: await w.login(blank.personalised(cardNumber, certificate)) };
}
