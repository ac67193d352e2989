/**
 * The PIN dialog: what it is for, tries left, blocked. Pure transitions, then a store.
 */
import { createStore } from 'zustand/vanilla';
import type { PinResult, PinStatus } from '../model.ts';

export type PinPurpose = 'backup' | 'restore';

export interface PinState {
  open: boolean;
  purpose: PinPurpose | null;
  triesLeft: number;
  maxTries: number;
  blocked: boolean;
  /** The last try was wrong. */
  wrong: boolean;
  busy: boolean;
}

export const closedPin: PinState = {
  open: false,
  purpose: null,
  triesLeft: 3,
  maxTries: 3,
  blocked: false,
  wrong: false,
  busy: false,
};

export function openPin(purpose: PinPurpose, status: PinStatus): PinState {
  return { ...closedPin, open: true, purpose, triesLeft: status.triesLeft, maxTries: status.maxTries, blocked: status.blocked };
}

/** After VERIFY: a right PIN closes the dialog; a wrong one shows tries left or blocked. */
export function afterVerify(s: PinState, r: PinResult): PinState {
  if (r.ok) return { ...s, open: false, busy: false, wrong: false, triesLeft: s.maxTries };
  return { ...s, busy: false, wrong: true, triesLeft: r.triesLeft, blocked: r.blocked || r.triesLeft <= 0 };
}

export const createPinStore = () => createStore<PinState>()(() => closedPin);
