/** Protocol version 2's trust objects (docs/trust.md): one file per object. */
export * from './codec.ts';
export * from './hpke.ts';
export * from './certificates.ts';
export * from './personalisation.ts';
export * from './load-token.ts';
export * from './receipt.ts';
export * from './authorisation.ts';
export * from './card-auth.ts';
export * from './wrapped-key.ts';
export * from './header-signature.ts';
export * from './backup-data.ts';
export * from './stop-entry.ts';
