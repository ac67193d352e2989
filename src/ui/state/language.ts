/** Language: from the browser's preferences, then whatever the user picks. */
import { createStore } from 'zustand/vanilla';
import type { Lang } from '../i18n/index.ts';

/** First of the browser's languages we have; English otherwise. */
export function pickLanguage(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ja') return 'ja';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export interface LanguageStore {
  lang: Lang;
  setLang(lang: Lang): void;
}

/** `onChange` keeps the choice (main.tsx: localStorage), so a reload keeps the language. */
export const createLanguageStore = (initial: Lang, onChange?: (lang: Lang) => void) =>
  createStore<LanguageStore>()((set) => ({
    lang: initial,
    setLang: (lang) => {
      set({ lang });
      onChange?.(lang);
    },
  }));
