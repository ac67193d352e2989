/**
 * The card's issuer as the app shows it (docs/issuer.md): whether this build names one,
 * the off-device copy's state, the recovery code waiting to be written down (shown once,
 * never stored), and the lost-card report.
 */
import { createStore } from 'zustand/vanilla';
import type { ServiceErrorCode } from '../errors.ts';
import type { IssuerLinkOutcome, IssuerSyncState, LostReport } from '../model.ts';

export interface IssuerStore {
  /** null: not known yet (no card has tried); false: this build names no issuer. */
  available: boolean | null;
  sync: IssuerSyncState;
  linking: boolean;
  linked: IssuerLinkOutcome | null;
  linkError: ServiceErrorCode | null;
  /** The code of a card registered just now, until the holder says it is written down. */
  recovery: { cardNumber: string; code: string } | null;
  lostBusy: boolean;
  lost: LostReport | null;
  lostError: ServiceErrorCode | null;
}

export const createIssuerStore = () =>
  createStore<IssuerStore>()(() => ({
    available: null,
    sync: { kind: 'idle' },
    linking: false,
    linked: null,
    linkError: null,
    recovery: null,
    lostBusy: false,
    lost: null,
    lostError: null,
  }));
