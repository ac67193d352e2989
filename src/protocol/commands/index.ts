/** Every card command as a pure getApdu + parseResponse pair (docs/protocol.md). */
export * from './backup.ts';
export * from './card-auth.ts';
export * from './card-error.ts';
export * from './codes.ts';
export * from './get-data.ts';
export * from './get-data-codecs.ts';
export * from './get-response.ts';
export * from './initialise.ts';
export * from './epoch.ts';
export * from './pin.ts';
export * from './restore.ts';
export * from './select.ts';
