import { describe, expect, it } from 'vitest';
import { randomBytes } from '@noble/hashes/utils.js';
import { openPglite } from '../../issuer/db/pglite.ts';
import { migrate, schemaVersion } from '../../issuer/db/migrate.ts';
import { bytes } from '../../issuer/db/db.ts';
import { loadOrCreateKeys } from '../../issuer/keys/keyring.ts';
import { SealError, parseMasterKey } from '../../issuer/keys/sealed.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { generateIssuerKeys } from '../../issuer/core/keys.ts';
import { coreAuthority } from '../../issuer/authority-core.ts';
import { IssuerNotGenuineError } from '../../issuer/core/errors.ts';

describe('issuer keys at rest', () => {
  it('generates once, seals every secret under the master key, opens only with it', async () => {
    const db = await openPglite();
    try {
      expect(await migrate(db)).toEqual([1, 2, 3, 4]);
      expect(await migrate(db)).toEqual([]);
      expect(await schemaVersion(db)).toBe(4);
      const master = randomBytes(32);
      const first = await loadOrCreateKeys(db, master, 7);
      expect(first.created).toBe(true);
      const again = await loadOrCreateKeys(db, master, 7);
      expect(again.created).toBe(false);
      expect(hex(again.keys.rootSecretKey)).toBe(hex(first.keys.rootSecretKey));
      expect(again.keys.epochs.map((e) => [e.epoch, e.minEpoch, hex(e.signingSecretKey), hex(e.kemSecretKey), hex(e.certificate)])).toEqual(
        first.keys.epochs.map((e) => [e.epoch, e.minEpoch, hex(e.signingSecretKey), hex(e.kemSecretKey), hex(e.certificate)]),
      );
      // No secret appears in the table in the clear.
      const rows = await db.query('SELECT sealed_secret FROM issuer_keys');
      const stored = rows.map((r) => hex(bytes(r['sealed_secret']))).join('');
      for (const s of [first.keys.rootSecretKey, ...first.keys.epochs.flatMap((e) => [e.signingSecretKey, e.kemSecretKey])]) expect(stored).not.toContain(hex(s));
      await expect(loadOrCreateKeys(db, randomBytes(32), 7)).rejects.toBeInstanceOf(SealError);
      await expect(loadOrCreateKeys(db, master, 8)).rejects.toThrow(/issuer 7/);
    } finally {
      await db.close();
    }
  });

  it('starts only when every epoch certificate is its own root signature over that epoch key (root -> epoch)', () => {
    const keys = generateIssuerKeys({ issuer: 7 });
    expect(() => coreAuthority(keys)).not.toThrow();
    const other = generateIssuerKeys({ issuer: 7 });
    const own = keys.epochs[0];
    const foreign = other.epochs[0];
    if (!own || !foreign) throw new Error('keys without an epoch');
    // Another root's certificate over another epoch key, spliced in: refused.
    expect(() => coreAuthority({ ...keys, epochs: [{ ...own, certificate: foreign.certificate }] })).toThrow(IssuerNotGenuineError);
    // Another issuer's whole epoch (its certificate matches its key, but not our root): refused.
    expect(() => coreAuthority({ ...keys, epochs: [foreign] })).toThrow(/not signed by issuer 7's root/);
    // Our certificate, another signing secret: refused.
    expect(() => coreAuthority({ ...keys, epochs: [{ ...own, signingSecretKey: foreign.signingSecretKey }] })).toThrow(/another signing key/);
  });

  it('refuses a master key that is not 64 hex digits', () => {
    expect(() => parseMasterKey(undefined)).toThrow(SealError);
    expect(() => parseMasterKey('abcd')).toThrow(/64 hex digits/);
    expect(parseMasterKey('00'.repeat(32))).toHaveLength(32);
  });
});
