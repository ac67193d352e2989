/** Languages, lookup and `{name}` interpolation. */
import { en } from './en.ts';
import { ja } from './ja.ts';
import type { MessageKey, Messages } from './messages.ts';

export type { MessageKey, Messages } from './messages.ts';
export type Lang = 'en' | 'ja';
export const LANGS: readonly Lang[] = ['en', 'ja'];

export const catalogs: Readonly<Record<Lang, Messages>> = { en, ja };

export type Vars = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

/** Replaces `{name}` with vars.name; unknown names stay as they are. */
export function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    return v === undefined ? whole : String(v);
  });
}

export function translator(lang: Lang): Translate {
  const cat = catalogs[lang];
  return (key, vars) => interpolate(cat[key], vars);
}

export type Noun = 'backups' | 'cards' | 'pages';

/** "1 backup", "10,000 backups" ("1件", "10,000件"). */
export function countOf(t: Translate, lang: Lang, noun: Noun, n: number): string {
  if (n === 1) return t(`n.${noun}.one`);
  return t(`n.${noun}`, { count: new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-GB').format(n) });
}

/** Whether a string is a key (for labels that come from the card, e.g. field ids). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** `{name}` placeholders of a template, sorted. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}
