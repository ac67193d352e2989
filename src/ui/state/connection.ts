/**
 * Connection state machine: no reader → connecting → card present / card absent / error.
 * The transitions are a pure function so they can be tested on their own.
 */
import { createStore } from 'zustand/vanilla';
import type { ServiceErrorCode } from '../errors.ts';
import type { ConnectedReader } from '../model.ts';

export type ConnectionState =
  | { status: 'no-reader' }
  | { status: 'connecting'; via: ConnectedReader['kind'] }
  | { status: 'card-present'; reader: ConnectedReader }
  | { status: 'card-absent'; reader: ConnectedReader }
  /** `reason`: why the smart-card service said no (services/smart-card.ts), for its plain words. */
  | { status: 'error'; code: ServiceErrorCode; via: ConnectedReader['kind']; reason?: string };

export type ConnectionEvent =
  | { type: 'connect'; via: ConnectedReader['kind'] }
  | { type: 'connected'; reader: ConnectedReader; cardPresent: boolean }
  | { type: 'failed'; code: ServiceErrorCode; reason?: string }
  | { type: 'card-inserted' }
  | { type: 'card-removed' }
  | { type: 'reader-lost' }
  | { type: 'disconnected' };

export function nextConnection(s: ConnectionState, e: ConnectionEvent): ConnectionState {
  switch (e.type) {
    case 'connect':
      return s.status === 'connecting' ? s : { status: 'connecting', via: e.via };
    case 'connected':
      if (s.status !== 'connecting') return s;
      return e.cardPresent ? { status: 'card-present', reader: e.reader } : { status: 'card-absent', reader: e.reader };
    case 'failed':
      if (s.status !== 'connecting') return s;
      return e.reason === undefined ? { status: 'error', code: e.code, via: s.via } : { status: 'error', code: e.code, via: s.via, reason: e.reason };
    case 'card-inserted':
      return s.status === 'card-absent' ? { status: 'card-present', reader: s.reader } : s;
    case 'card-removed':
      return s.status === 'card-present' ? { status: 'card-absent', reader: s.reader } : s;
    case 'reader-lost':
      return s.status === 'card-present' || s.status === 'card-absent'
        ? { status: 'error', code: 'reader-lost', via: s.reader.kind }
        : s;
    case 'disconnected':
      return { status: 'no-reader' };
  }
}

export interface ConnectionStore {
  state: ConnectionState;
  /** Last card event, for the aria-live announcement ("Card removed"). */
  announcement: 'inserted' | 'removed' | 'reader-lost' | null;
  dispatch(e: ConnectionEvent): void;
}

export const createConnectionStore = () =>
  createStore<ConnectionStore>()((set) => ({
    state: { status: 'no-reader' },
    announcement: null,
    dispatch: (e) =>
      set((s) => ({
        state: nextConnection(s.state, e),
        announcement:
          e.type === 'card-inserted' ? 'inserted' : e.type === 'card-removed' ? 'removed' : e.type === 'reader-lost' ? 'reader-lost' : s.announcement,
      })),
  }));
