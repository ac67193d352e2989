import { ed25519 } from '@noble/curves/ed25519.js';
import type { Db } from '../db/db.ts';
import { bytes, num, str } from '../db/db.ts';
import { generateIssuerKeys, type EpochKeys, type IssuerKeys } from '../core/keys.ts';
import { concat, u16be } from '../../src/protocol/bytes.ts';
import { SealError, seal, unseal } from './sealed.ts';

// The issuer's root and epoch keys in the issuer_keys table, each secret sealed with
// AES-256-GCM under the master key (sealed.ts). First start generates them (issuer/core).
// Epoch rows hold signing secret (32) ‖ KEM secret (32) ‖ minEpoch (2) ‖ certificate.

export async function loadOrCreateKeys(db: Db, master: Uint8Array, issuer: number): Promise<{ keys: IssuerKeys; created: boolean }> {
  const rows = await db.query('SELECT id, kind, epoch, sealed_secret FROM issuer_keys ORDER BY kind DESC, epoch');
  if (rows.length === 0) {
    const keys = generateIssuerKeys({ issuer });
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO issuer_keys (id, kind, epoch, public_key, sealed_secret) VALUES ('root', 'root', NULL, $1, $2)`, [
        ed25519.getPublicKey(keys.rootSecretKey),
        concat(u32(issuer), seal(master, 'root', keys.rootSecretKey)),
      ]);
      for (const e of keys.epochs) {
        const id = `epoch:${e.epoch}`;
        await tx.query(`INSERT INTO issuer_keys (id, kind, epoch, public_key, sealed_secret) VALUES ($1, 'epoch', $2, $3, $4)`, [
          id,
          e.epoch,
          ed25519.getPublicKey(e.signingSecretKey),
          seal(master, id, concat(e.signingSecretKey, e.kemSecretKey, u16be(e.minEpoch), e.certificate)),
        ]);
      }
    });
    return { keys, created: true };
  }
  let rootSecretKey: Uint8Array | undefined;
  let storedIssuer = issuer;
  const epochs: EpochKeys[] = [];
  for (const r of rows) {
    const id = str(r['id']);
    const sealed = bytes(r['sealed_secret']);
    if (str(r['kind']) === 'root') {
      storedIssuer = new DataView(sealed.buffer, sealed.byteOffset).getUint32(0);
      rootSecretKey = unseal(master, 'root', sealed.subarray(4));
    } else {
      const plain = unseal(master, id, sealed);
      epochs.push({
        epoch: num(r['epoch']),
        signingSecretKey: plain.slice(0, 32),
        kemSecretKey: plain.slice(32, 64),
        minEpoch: ((plain[64] as number) << 8) | (plain[65] as number),
        certificate: plain.slice(66),
      });
    }
  }
  if (!rootSecretKey) throw new SealError('issuer_keys has epoch keys but no root key');
  if (storedIssuer !== issuer) throw new SealError(`the stored keys are issuer ${storedIssuer}'s, not ${issuer}'s (ISSUER_ID)`);
  return { keys: { issuer, rootSecretKey, epochs }, created: false };
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}
