export * from './errors.ts';
export * from './keys.ts';
export * from './authority.ts';
export * from './demo.ts';
