// A child process running the issuer (for the crash test): PGlite in argv[2] or the
// PostgreSQL server at DATABASE_URL, with the seeded stand-in authority; prints its URL.
import { openPglite } from '../../../issuer/db/pglite.ts';
import { openPg } from '../../../issuer/db/pg.ts';
import { startIssuer } from '../../../issuer/server.ts';
import { fromHex } from '../../../src/protocol/bytes.ts';
import { testAuthority } from './test-authority.ts';

async function main() {
  const [dataDir, seedHex] = process.argv.slice(2);
  if (!dataDir || !seedHex) throw new Error('usage: child-issuer <pglite data dir | -> <seed hex>');
  const url = process.env['DATABASE_URL'];
  const db = url ? await openPg(url) : await openPglite(dataDir);
  const issuer = await startIssuer({ db, authority: testAuthority(fromHex(seedHex)), config: { appOrigin: 'http://app.example.test' } });
  process.stdout.write(`ISSUER ${issuer.url}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
