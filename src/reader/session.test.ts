import { describe, expect, it } from 'vitest';
import { noSession, released, sessionReducer, type ReaderSession, type SessionEvent } from './session.ts';

type S = ReaderSession<string, string>;
const run = (events: SessionEvent<string, string>[], from: S = noSession()) => events.reduce(sessionReducer, from);
const stopUsb = () => undefined;

describe('reader session', () => {
  it('starts with nothing connected and no issuer', () => {
    expect(noSession()).toEqual({ kind: 'none', issuer: { kind: 'none' } });
  });

  it('demo: the world and the demo issuer come with it; no USB listener', () => {
    const s = run([{ type: 'opened', via: 'demo', readerName: 'Demo reader', handles: { link: 'L1', world: 'W', stopWatching: stopUsb } }]);
    expect(s).toMatchObject({ kind: 'demo', link: 'L1', world: 'W', stopWatching: null, issuer: { kind: 'demo' } });
  });

  it('USB then demo: the USB disconnect listener and the old link are released', () => {
    const usb = run([{ type: 'opened', via: 'usb', readerName: 'ACR39U', handles: { link: 'L1', stopWatching: stopUsb } }]);
    expect(usb).toMatchObject({ kind: 'usb', stopWatching: stopUsb, world: null });
    const demo = sessionReducer(usb, { type: 'opened', via: 'demo', readerName: 'Demo reader', handles: { link: 'L2', world: 'W' } });
    expect(released(usb, demo)).toEqual({ link: 'L1', stopWatching: stopUsb });
  });

  it('closing releases everything and drops the demo issuer but keeps a real issuer link', () => {
    const demo = run([{ type: 'opened', via: 'demo', readerName: 'Demo reader', handles: { link: 'L', world: 'W' } }]);
    const closed = sessionReducer(demo, { type: 'closed' });
    expect(closed).toEqual({ kind: 'none', issuer: { kind: 'none' } });
    expect(released(demo, closed)).toEqual({ link: 'L', stopWatching: null });
    const usb = run([
      { type: 'issuer', issuer: { kind: 'service', url: 'https://issuer.example' } },
      { type: 'opened', via: 'bridge', readerName: 'vpcd 0', handles: { link: 'B' } },
      { type: 'closed' },
    ]);
    expect(usb.issuer).toEqual({ kind: 'service', url: 'https://issuer.example' });
  });

  it('follows the card: read, gone, replaced (the replaced card is remembered)', () => {
    const s = run([
      { type: 'opened', via: 'demo', readerName: 'Demo reader', handles: { link: 'L', world: 'W' } },
      { type: 'card-read', cardNumber: '4900000000000001' },
    ]);
    expect(s).toMatchObject({ cardInReader: '4900000000000001', replaces: null });
    expect(sessionReducer(s, { type: 'card-gone' })).toMatchObject({ cardInReader: null });
    expect(sessionReducer(s, { type: 'card-replaced', replaces: '4900000000000001' })).toMatchObject({ cardInReader: null, replaces: '4900000000000001' });
  });

  it('card events without a reader change nothing', () => {
    const none: S = noSession();
    expect(sessionReducer(none, { type: 'card-read', cardNumber: 'x' })).toBe(none);
    expect(sessionReducer(none, { type: 'card-gone' })).toBe(none);
    expect(released(none, none)).toEqual({ link: null, stopWatching: null });
  });
});
