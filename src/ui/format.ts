/** Numbers, sizes, money, dates and durations for people, in the chosen language. */
import type { Lang, Translate } from './i18n/index.ts';
import type { AppValue } from './model.ts';

const locale = (lang: Lang) => (lang === 'ja' ? 'ja-JP' : 'en-GB');

/** "1234 5678 9012 3456". */
export const formatCardNumber = (digits: string) => digits.replace(/(\d{4})(?=\d)/g, '$1 ');

export const formatNumber = (lang: Lang, n: number) => new Intl.NumberFormat(locale(lang)).format(n);

/** 0 B, 512 B, 1.5 KB, 12 MB (powers of 1024, at most one decimal). */
export function formatBytes(lang: Lang, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'] as const;
  let v = Math.max(0, bytes);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 100 ? 0 : 1;
  const num = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(v);
  return `${num} ${units[u] ?? 'B'}`;
}

/** "¥12,480" (en-US spells it so; en-GB would say "JP¥"). */
export const formatYen = (lang: Lang, amount: number) =>
  new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { style: 'currency', currency: 'JPY' }).format(amount);

export function formatValue(lang: Lang, t: Translate, v: AppValue): string {
  return v.unit === 'yen' ? formatYen(lang, v.amount) : t('value.points', { amount: formatNumber(lang, v.amount) });
}

export const formatDate = (lang: Lang, ms: number) =>
  new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(ms);

/** "42 s", "3 min 05 s"; rounds up so "0 s left" is never shown while work remains. */
export function formatDuration(t: Translate, seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return t('time.seconds', { s });
  return t('time.minutes', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
}
