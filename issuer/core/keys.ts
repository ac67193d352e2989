/**
 * The issuer's keys as plain bytes (docs/trust.md), so a service can store them sealed at
 * rest (issuer/keys/) and an HSM could hold them instead. A root key (offline in a real
 * deployment) certifies numbered epoch keys; each epoch has an Ed25519 signing key and an
 * X25519 key that backups' unique keys are wrapped to.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { encodeEpochCertificate, epochCertificateMessage } from '../../src/protocol/trust/certificates.ts';
import { IssuerBadInputError } from './errors.ts';

export interface EpochKeys {
  epoch: number;
  minEpoch: number;
  /** Ed25519 secret key (32-byte seed). */
  signingSecretKey: Uint8Array;
  /** X25519 secret key. */
  kemSecretKey: Uint8Array;
  /** The root-signed epoch certificate (141 bytes). */
  certificate: Uint8Array;
}

export interface IssuerKeys {
  issuer: number;
  /** Ed25519 secret key of the root. */
  rootSecretKey: Uint8Array;
  /** Oldest first; the last is the current epoch. */
  epochs: EpochKeys[];
  /** Present for seeded (demo/test) issuers: later epochs derive from it too. */
  seed?: Uint8Array;
}

const label = (s: string) => new TextEncoder().encode(s);
const SALT = label('icvault issuer keys v2');

/** 32 bytes from the seed for one purpose, or fresh randomness when there is no seed. */
function secret(seed: Uint8Array | undefined, purpose: string): Uint8Array {
  return seed ? hkdf(sha256, seed, SALT, label(purpose), 32) : randomBytes(32);
}

export function makeEpoch(rootSecretKey: Uint8Array, issuer: number, epoch: number, minEpoch: number, seed?: Uint8Array): EpochKeys {
  if (!Number.isInteger(epoch) || epoch < 1 || epoch > 0xffff) throw new IssuerBadInputError(`epoch must be 1-65535, got ${epoch}`);
  if (!Number.isInteger(minEpoch) || minEpoch < 1 || minEpoch > epoch) throw new IssuerBadInputError(`minEpoch must be 1-${epoch}, got ${minEpoch}`);
  const signingSecretKey = secret(seed, `epoch ${epoch} signing`);
  const kemSecretKey = secret(seed, `epoch ${epoch} kem`);
  const body = { issuer, epoch, minEpoch, signingPublicKey: ed25519.getPublicKey(signingSecretKey), kemPublicKey: x25519.getPublicKey(kemSecretKey) };
  const signature = ed25519.sign(epochCertificateMessage(body), rootSecretKey);
  return { epoch, minEpoch, signingSecretKey, kemSecretKey, certificate: encodeEpochCertificate({ ...body, signature }) };
}

/** A new issuer: root key and epoch 1. With a seed, every key is derived from it (reproducible). */
export function generateIssuerKeys(opts: { issuer: number; seed?: Uint8Array }): IssuerKeys {
  const { issuer, seed } = opts;
  if (!Number.isInteger(issuer) || issuer < 0 || issuer > 0xffffffff) throw new IssuerBadInputError(`issuer must be a u32, got ${issuer}`);
  if (seed !== undefined && seed.length < 16) throw new IssuerBadInputError('issuer seed must be at least 16 bytes');
  const rootSecretKey = secret(seed, 'root');
  const keys: IssuerKeys = { issuer, rootSecretKey, epochs: [makeEpoch(rootSecretKey, issuer, 1, 1, seed)] };
  if (seed) keys.seed = seed.slice();
  return keys;
}

export const rootPublicKey = (keys: IssuerKeys): Uint8Array => ed25519.getPublicKey(keys.rootSecretKey);
