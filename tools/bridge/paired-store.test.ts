import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeClientFrame, decodeServerFrame, type ServerFrame } from '../../src/protocol/bridge-frames.ts';
import { Hub } from './hub.ts';
import { defaultConfigPath, PairedStore, PairedStoreError } from './paired-store.ts';
import { Pairing } from './policy.ts';
import { Session } from './session.ts';

const dirs: string[] = [];
const storeIn = () => {
  const d = mkdtempSync(join(tmpdir(), 'icvault-paired-'));
  dirs.push(d);
  return new PairedStore(join(d, 'sub', 'paired.json'));
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const APP = 'http://127.0.0.1:5173';

describe('PairedStore', () => {
  it('remembers an origin with the hash of its token only, checks the token, and forgets', () => {
    const store = storeIn();
    const token = store.remember(APP, new Date('2026-11-28T12:00:00Z'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = readFileSync(store.path, 'utf8');
    expect(file).not.toContain(token);
    expect(store.list()).toEqual([{ origin: APP, tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/), pairedAt: '2026-11-28T12:00:00.000Z' }]);
    expect(store.check(APP, token)).toBe(true);
    expect(store.check(APP, token + 'x')).toBe(false);
    expect(store.check('http://evil.example', token)).toBe(false);
    // Pairing again replaces the token.
    const second = store.remember(APP);
    expect(store.check(APP, token)).toBe(false);
    expect(store.check(APP, second)).toBe(true);
    expect(store.forget('http://other.example')).toBe(0);
    expect(store.forget(APP)).toBe(1);
    expect(store.check(APP, second)).toBe(false);
  });

  it('forget --all empties it; a damaged file is reported with what to do', () => {
    const store = storeIn();
    store.remember(APP);
    store.remember('http://localhost:4173');
    expect(store.forget(undefined)).toBe(2);
    expect(store.list()).toEqual([]);
    writeFileSync(store.path, '{not json');
    expect(() => store.list()).toThrow(PairedStoreError);
    expect(() => store.list()).toThrow(/not valid JSON; delete it/);
  });

  it('lives in the user configuration folder unless told otherwise', () => {
    expect(defaultConfigPath({}, 'linux', '/home/a')).toBe('/home/a/.config/icvault-bridge/paired.json');
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/c' }, 'linux', '/home/a')).toBe('/c/icvault-bridge/paired.json');
    expect(defaultConfigPath({ ICVAULT_BRIDGE_CONFIG: '/etc/x.json' }, 'linux')).toBe('/etc/x.json');
  });
});

describe('Session pairing with a remembered origin', () => {
  function session(store: PairedStore, origin = APP) {
    const hub = new Hub(new Pairing('123456'), () => {});
    hub.pairedStore = store;
    const sent: ServerFrame[] = [];
    const closed: number[] = [];
    const s = new Session(hub, { send: (t) => { const d = decodeServerFrame(t); if (d.ok) sent.push(d.value); }, close: (c) => closed.push(c) }, 'test', origin);
    const hello = async (f: { pairingCode?: string; pairingToken?: string }) => {
      s.receive(encodeClientFrame({ type: 'hello', version: 1, ...f }));
      await new Promise((r) => setTimeout(r, 10));
    };
    return { s, sent, closed, hello };
  }

  it('a page paired by code gets a token; next run it pairs with the token alone; after forget it needs the code', async () => {
    const store = storeIn();
    const first = session(store);
    await first.hello({ pairingCode: '123456' });
    const welcome = first.sent[0];
    expect(welcome?.type).toBe('welcome');
    const token = welcome?.type === 'welcome' ? welcome.pairingToken : undefined;
    expect(token).toBeDefined();

    const again = session(store);
    await again.hello({ pairingToken: token ?? '' });
    expect(again.sent[0]).toMatchObject({ type: 'welcome' });
    expect(again.s.paired).toBe(true);

    // Another origin cannot use the token.
    const other = session(store, 'http://localhost:4173');
    await other.hello({ pairingToken: token ?? '' });
    expect(other.sent[0]).toMatchObject({ type: 'error', code: 'BAD_PAIRING' });
    expect(other.closed).toEqual([4001]);

    store.forget(APP);
    const revoked = session(store);
    await revoked.hello({ pairingToken: token ?? '' });
    expect(revoked.sent[0]).toMatchObject({ type: 'error', code: 'BAD_PAIRING', message: expect.stringMatching(/not paired with this bridge/) });
  });

  it('a stale token with the right code pairs (and issues a new token)', async () => {
    const store = storeIn();
    const s = session(store);
    await s.hello({ pairingToken: 'stale', pairingCode: '123456' });
    expect(s.sent[0]).toMatchObject({ type: 'welcome', pairingToken: expect.any(String) });
  });
});
