/**
 * The PIN dialog: what it is for, tries left, blocked. Pure transitions, then a store.
 */
import { createStore } from 'zustand/vanilla';
import type { PinTries } from '../model.ts';

export type PinPurpose = 'backup' | 'restore' | 'verify';

export interface PinDialogState {
  open: boolean;
  purpose: PinPurpose | null;
  triesLeft: number;
  maxTries: number;
  blocked: boolean;
  /** The last try was wrong. */
  wrong: boolean;
  busy: boolean;
}

export const closedPin: PinDialogState = {
  open: false,
  purpose: null,
  triesLeft: 3,
  maxTries: 3,
  blocked: false,
  wrong: false,
  busy: false,
};

export function openPin(purpose: PinPurpose, status: PinTries): PinDialogState {
  return { ...closedPin, open: true, purpose, triesLeft: status.triesLeft, maxTries: status.maxTries, blocked: status.blocked };
}

/** The card refused the PIN: the dialog stays, with the tries left (0: blocked). */
export function wrongPin(s: PinDialogState, triesLeft: number): PinDialogState {
  return { ...s, open: true, busy: false, wrong: true, triesLeft, blocked: triesLeft <= 0 };
}

export const createPinStore = () => createStore<PinDialogState>()(() => closedPin);
