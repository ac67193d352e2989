// `npm run issuer`: the issuer's service (patent fig. 21). Configuration from the
// environment (docs/issuer.md):
//   DATABASE_URL         PostgreSQL server; unset: embedded PGlite in ISSUER_DATA_DIR
//   ISSUER_DATA_DIR      PGlite data folder (default .icvault-issuer/db)
//   ISSUER_MASTER_KEY    64 hex digits: seals the root and epoch keys at rest
//   ISSUER_DEMO=1        the demo issuer (issuer/core's public seed: the browser demo's
//                        cards are its cards); loads without payment
//   ISSUER_ID            issuer number for a new (non-demo) issuer (default 1)
//   ISSUER_APP_ORIGIN    the app's origin, the only one CORS allows (default http://localhost:5173)
//   ISSUER_HOST / ISSUER_PORT   listen address (default 127.0.0.1:8787)
//   ISSUER_DB_POOL       PostgreSQL connections (default 16): about the concurrent uploads
//                        expected, since each upload holds one for its one statement
import { mkdirSync } from 'node:fs';
import type { Db } from './db/db.ts';
import { openPglite } from './db/pglite.ts';
import { openPg } from './db/pg.ts';
import { migrate } from './db/migrate.ts';
import { parseMasterKey } from './keys/sealed.ts';
import { loadOrCreateKeys } from './keys/keyring.ts';
import { demoIssuerKeys } from './core/demo.ts';
import { coreAuthority } from './authority-core.ts';
import { startIssuer } from './server.ts';

async function main(): Promise<void> {
  const env = process.env;
  const demo = env['ISSUER_DEMO'] === '1';
  let db: Db;
  if (env['DATABASE_URL']) {
    const pool = Number(env['ISSUER_DB_POOL'] ?? '16');
    if (!Number.isSafeInteger(pool) || pool < 1 || pool > 1000) throw new Error(`ISSUER_DB_POOL must be a number of connections 1..1000, got "${env['ISSUER_DB_POOL']}"`);
    db = await openPg(env['DATABASE_URL'], pool);
  } else {
    const dir = env['ISSUER_DATA_DIR'] ?? '.icvault-issuer/db';
    mkdirSync(dir, { recursive: true });
    db = await openPglite(dir);
  }
  await migrate(db);
  let keys;
  if (demo) {
    keys = demoIssuerKeys();
  } else {
    const r = await loadOrCreateKeys(db, parseMasterKey(env['ISSUER_MASTER_KEY']), Number(env['ISSUER_ID'] ?? '1'));
    keys = r.keys;
    if (r.created) console.log('issuer: generated root and epoch 1 keys, sealed under ISSUER_MASTER_KEY');
  }
  const issuer = await startIssuer({
    db,
    authority: coreAuthority(keys),
    config: { appOrigin: env['ISSUER_APP_ORIGIN'] ?? 'http://localhost:5173', demoLoads: demo },
    host: env['ISSUER_HOST'] ?? '127.0.0.1',
    port: Number(env['ISSUER_PORT'] ?? '8787'),
  });
  console.log(`issuer: ${demo ? 'demo issuer' : `issuer ${keys.issuer}`} on ${issuer.url} (${db.driver}); console at ${issuer.url}/console`);
  if (issuer.operatorCredential) {
    console.log(`issuer: first start. Operator "operator", credential (shown once): ${issuer.operatorCredential}`);
  }
  const stop = () => {
    void issuer.close().then(() => db.close()).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error('issuer: could not start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
