/**
 * An issuer that signs restores onto another of its cards (fig. 9) with a key it holds
 * here: the demo issuer. A real issuer signs in its own service (docs/issuer.md).
 */
import { signAuthorisation } from '../protocol/commands/index.ts';
import type { Authorise } from './restore.ts';

export interface IssuerKey {
  issuer: number;
  epoch: number;
  secretKey: Uint8Array;
}

export const signingIssuer =
  (key: IssuerKey): Authorise =>
  (sourceCard, targetCard, pointHash) =>
    Promise.resolve(signAuthorisation(key.secretKey, { issuer: key.issuer, epoch: key.epoch, sourceCard, targetCard, pointHash }));
