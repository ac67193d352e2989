/** The typed key set: every language is a `Messages`, so a missing key fails the typecheck. */
import type { en } from './en.ts';

export type MessageKey = keyof typeof en;
export type Messages = Readonly<Record<MessageKey, string>>;
