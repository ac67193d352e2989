import type { Db } from '../db/db.ts';
import { bytes } from '../db/db.ts';
import { checkSlowHash, newRecoveryCode, newSlowHash } from '../keys/secrets.ts';

/** First start: one operator with a fresh credential, returned once to be printed. */
export async function ensureOperator(db: Db, name = 'operator'): Promise<string | undefined> {
  const any = await db.query('SELECT 1 FROM operators LIMIT 1');
  if (any.length > 0) return undefined;
  const credential = newRecoveryCode();
  const { salt, hash } = await newSlowHash(credential);
  await db.query('INSERT INTO operators (name, salt, hash) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [name, salt, hash]);
  return credential;
}

// An unknown operator name still costs one slow hash, so the answer's time does not tell
// which names exist.
const NO_SALT = new Uint8Array(16);
const NO_HASH = new Uint8Array(32);

export async function checkOperator(db: Db, name: string, credential: string): Promise<boolean> {
  const rows = await db.query('SELECT salt, hash FROM operators WHERE name = $1', [name]);
  const r = rows[0];
  if (r === undefined) {
    await checkSlowHash(credential, NO_SALT, NO_HASH);
    return false;
  }
  return checkSlowHash(credential, bytes(r['salt']), bytes(r['hash']));
}
