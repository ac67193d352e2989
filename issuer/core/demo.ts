/**
 * The demo and test issuer: every key derived from a fixed, public seed. Its secrets live
 * only here (issuer/core) and in the demo's code path that imports it, never in the card,
 * host or reader layers. Nothing made with it is worth anything: the seed is in the source.
 */
import { IssuerAuthority } from './authority.ts';
import { generateIssuerKeys, type IssuerKeys } from './keys.ts';

/** 'ICV1', the issuer number the demo always used. */
export const DEMO_ISSUER = 0x49435631;
const DEMO_SEED = new TextEncoder().encode('icvault demo issuer: public seed, not a secret');

export const demoIssuerKeys = (): IssuerKeys => generateIssuerKeys({ issuer: DEMO_ISSUER, seed: DEMO_SEED });
export const demoIssuer = (): IssuerAuthority => new IssuerAuthority(demoIssuerKeys());
