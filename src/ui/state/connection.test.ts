import { describe, expect, it } from 'vitest';
import { createConnectionStore, nextConnection, type ConnectionState } from './connection.ts';

const demo = { name: 'Demo reader', kind: 'demo' } as const;

describe('connection state machine', () => {
  it('goes no reader → connecting → card present, then absent and back on card events', () => {
    let s: ConnectionState = { status: 'no-reader' };
    s = nextConnection(s, { type: 'connect', via: 'demo' });
    expect(s).toEqual({ status: 'connecting', via: 'demo' });
    s = nextConnection(s, { type: 'connected', reader: demo, cardPresent: true });
    expect(s).toEqual({ status: 'card-present', reader: demo });
    s = nextConnection(s, { type: 'card-removed' });
    expect(s).toEqual({ status: 'card-absent', reader: demo });
    s = nextConnection(s, { type: 'card-inserted' });
    expect(s.status).toBe('card-present');
  });

  it('connects to an empty reader as card absent', () => {
    const s = nextConnection({ status: 'connecting', via: 'usb' }, { type: 'connected', reader: demo, cardPresent: false });
    expect(s.status).toBe('card-absent');
  });

  it('keeps which button failed, so the error shows beside it', () => {
    const s = nextConnection({ status: 'connecting', via: 'usb' }, { type: 'failed', code: 'protected-class' });
    expect(s).toEqual({ status: 'error', code: 'protected-class', via: 'usb' });
  });

  it('ignores events that make no sense in the current state', () => {
    const idle: ConnectionState = { status: 'no-reader' };
    expect(nextConnection(idle, { type: 'card-inserted' })).toBe(idle);
    expect(nextConnection(idle, { type: 'failed', code: 'unknown' })).toBe(idle);
    expect(nextConnection(idle, { type: 'connected', reader: demo, cardPresent: true })).toBe(idle);
    const connecting: ConnectionState = { status: 'connecting', via: 'demo' };
    expect(nextConnection(connecting, { type: 'connect', via: 'usb' })).toBe(connecting);
  });

  it('turns a lost reader into an error, and disconnect always into no reader', () => {
    const present: ConnectionState = { status: 'card-present', reader: demo };
    expect(nextConnection(present, { type: 'reader-lost' })).toEqual({ status: 'error', code: 'reader-lost', via: 'demo' });
    expect(nextConnection(present, { type: 'disconnected' })).toEqual({ status: 'no-reader' });
  });

  it('the store announces card events for screen readers', () => {
    const store = createConnectionStore();
    store.getState().dispatch({ type: 'connect', via: 'demo' });
    store.getState().dispatch({ type: 'connected', reader: demo, cardPresent: true });
    expect(store.getState().announcement).toBeNull();
    store.getState().dispatch({ type: 'card-removed' });
    expect(store.getState().announcement).toBe('removed');
    expect(store.getState().state.status).toBe('card-absent');
  });
});
