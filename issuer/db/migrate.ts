import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Db } from './db.ts';
import { num } from './db.ts';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Numbered migrations (NNN_name.sql), each applied once, in its own transaction with
 *  its row in schema_migrations, so a crash leaves either all of one or none of it. */
export async function migrate(db: Db): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  const files = readdirSync(DIR).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applied: number[] = [];
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    await db.transaction(async (tx) => {
      // Two processes migrating at once: the lock makes the second wait, then skip.
      await tx.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      const done = await tx.query('SELECT version FROM schema_migrations WHERE version = $1', [version]);
      if (done.length > 0) return;
      await tx.exec(readFileSync(join(DIR, file), 'utf8'));
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, file]);
      applied.push(version);
    });
  }
  return applied;
}

export async function schemaVersion(db: Db): Promise<number> {
  const rows = await db.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
  return num(rows[0]?.['v'] ?? 0);
}
