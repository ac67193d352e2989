/**
 * The demo issuer's keys as demo cards know them (demo only). Until cards are
 * personalised by the issuer (issue 10, not landed), a demo card takes the demo issuer's
 * current EPOCH signing key (issuer/core, the same seed the demo issuer service of
 * `npm start` uses) as its issuer key: the load tokens and restore authorisations that
 * issuer/core signs are then the ones the card accepts, in the browser and from the service.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { demoIssuerKeys } from '../../../issuer/core/demo.ts';

export interface DemoEpochKey {
  issuer: number;
  epoch: number;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function demoEpochKey(): DemoEpochKey {
  const keys = demoIssuerKeys();
  const current = keys.epochs[keys.epochs.length - 1];
  if (!current) throw new Error('the demo issuer has no epoch key');
  return { issuer: keys.issuer, epoch: current.epoch, secretKey: current.signingSecretKey, publicKey: ed25519.getPublicKey(current.signingSecretKey) };
}
