/**
 * The thin React side of the stores: one context holding stores and actions, and
 * `useApp(pick)` to read a slice of a store. Everything else is framework-free.
 */
import { createContext, useContext } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { Actions } from '../actions/index.ts';
import { translator, type Lang, type Translate } from '../i18n/index.ts';
import type { Stores } from './stores.ts';

export interface AppContextValue {
  stores: Stores;
  actions: Actions;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useAppContext(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error('useAppContext outside <AppContext.Provider>');
  return v;
}

export const useActions = (): Actions => useAppContext().actions;

/** Reads one store of the app, through a selector. */
export type StateOf<K extends keyof Stores> = ReturnType<Stores[K]['getState']>;

export function useApp<K extends keyof Stores, T>(name: K, select: (s: StateOf<K>) => T): T {
  const store = useAppContext().stores[name] as unknown as StoreApi<StateOf<K>>;
  return useStore(store, select);
}

/** The current language and its translate function. */
export function useI18n(): { lang: Lang; t: Translate } {
  const lang = useApp('language', (s) => s.lang);
  return { lang, t: translator(lang) };
}
