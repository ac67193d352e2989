/** The card as last read, and whether a read is under way. */
import { createStore } from 'zustand/vanilla';
import type { ServiceErrorCode } from '../errors.ts';
import type { CardInfo } from '../model.ts';

export interface CardViewStore {
  card: CardInfo | null;
  loading: boolean;
  error: ServiceErrorCode | null;
  /** A demo action in flight ("spend"), so its buttons can show it. */
  busyAction: string | null;
}

export const createCardStore = () =>
  createStore<CardViewStore>()(() => ({ card: null, loading: false, error: null, busyAction: null }));
