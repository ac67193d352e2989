/** Application command codecs (docs/protocol-apps.md): what the host uses to read and change app data. */
export * from './ids.ts';
export * from './reply.ts';
export * from './value-log.ts';
export * from './value-commands.ts';
export * from './text.ts';
export * from './emoney.ts';
export * from './membership.ts';
export * from './credit.ts';
export * from './identity.ts';
export * from './photo.ts';
export * from './medical.ts';
