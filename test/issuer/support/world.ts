import { hex, fromHex } from '../../../src/protocol/bytes.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Db } from '../../../issuer/db/db.ts';
import { openPglite } from '../../../issuer/db/pglite.ts';
import { openPg } from '../../../issuer/db/pg.ts';
import { startIssuer, type RunningIssuer } from '../../../issuer/server.ts';
import type { IssuerConfig } from '../../../issuer/http/config.ts';
import { startPgCluster, type PgCluster } from './pg-cluster.ts';
import { TestCard, testAuthority, type TestAuthority } from './test-authority.ts';

export type Driver = 'pglite' | 'pg';
export const APP_ORIGIN = 'http://app.example.test';

export interface World {
  driver: Driver;
  db: Db;
  issuer: RunningIssuer;
  authority: TestAuthority;
  operatorAuth: string;
  newCard(): TestCard;
  call(method: string, path: string, opts?: { token?: string; json?: unknown; body?: Uint8Array; headers?: Record<string, string> }): Promise<Response>;
  login(card: TestCard): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

export async function openWorld(driver: Driver, config: Partial<IssuerConfig> = {}): Promise<World> {
  let cluster: PgCluster | undefined;
  let db: Db;
  if (driver === 'pg') {
    cluster = await startPgCluster();
    db = await openPg(cluster.url, 40);
  } else {
    db = await openPglite();
  }
  const authority = testAuthority();
  const issuer = await startIssuer({ db, authority, config: { appOrigin: APP_ORIGIN, demoLoads: true, ...config } });
  if (!issuer.operatorCredential) throw new Error('first start must print an operator credential');
  const operatorAuth = `Basic ${btoa(`operator:${issuer.operatorCredential}`)}`;
  const call: World['call'] = (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    let body: BodyInit | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.body) {
      headers['content-type'] ??= 'application/octet-stream';
      body = opts.body.slice().buffer;
    }
    return fetch(issuer.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  };
  const world: World = {
    driver,
    db,
    issuer,
    authority,
    operatorAuth,
    newCard: () => new TestCard(authority, `4000${String(Date.now() % 1e6).padStart(6, '0')}${String(++counter).padStart(6, '0')}`),
    call,
    async login(card) {
      const ch = (await (await call('POST', '/v1/auth/challenge', { json: {} })).json()) as { challenge: string };
      const r = await call('POST', '/v1/auth/login', {
        json: { certificate: hex(card.certificate), challenge: ch.challenge, signature: hex(card.signChallenge(fromHex(ch.challenge))) },
      });
      if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { token: string }).token;
    },
    async close() {
      await issuer.close();
      await db.close();
      await cluster?.stop();
    },
  };
  return world;
}

export const sha256hex = (b: Uint8Array) => hex(sha256(b));

export async function errorOf(r: Response): Promise<{ status: number; code: string; message: string; detail?: Record<string, unknown> }> {
  const j = (await r.json()) as { error?: { code: string; message: string; detail?: Record<string, unknown> } };
  if (!j.error) throw new Error(`expected an error body, got ${JSON.stringify(j)}`);
  return { status: r.status, ...j.error };
}
