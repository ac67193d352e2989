import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Db } from './db/db.ts';
import { migrate } from './db/migrate.ts';
import type { Authority } from './authority.ts';
import { dbBlobStore } from './store/blob-store.ts';
import { defaultConfig, type IssuerConfig } from './http/config.ts';
import { makeDeps } from './http/deps.ts';
import { issuerApp } from './http/app.ts';
import { ensureOperator } from './store/operators.ts';

export interface RunningIssuer {
  url: string;
  port: number;
  /** The operator credential when this start created the first operator (print it once). */
  operatorCredential: string | undefined;
  close(): Promise<void>;
}

/** Migrates, makes the first operator if none, and serves on host:port (0 = a free port). */
export async function startIssuer(opts: {
  db: Db;
  authority: Authority;
  config?: Partial<IssuerConfig>;
  port?: number;
  host?: string;
}): Promise<RunningIssuer> {
  await migrate(opts.db);
  const operatorCredential = await ensureOperator(opts.db);
  const deps = makeDeps(opts.db, opts.authority, dbBlobStore, defaultConfig(opts.config));
  const app = issuerApp(deps);
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    operatorCredential,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
