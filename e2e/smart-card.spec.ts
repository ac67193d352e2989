// The Web Smart Card API reader source (src/reader/smart-card) in real Chromium, against
// an injected navigator.smartCard (page.addInitScript) whose calls go over the bridge's
// WebSocket (tools/bridge) to the real pcscd + vsmartcard-vpcd: reader names, card
// presence and its changes, the exclusive hold and the errors come from PC/SC itself.
// Linux Chromium has no smart-card backend, hence the shim; the source code is the
// app's, bundled for the page by esbuild.
//
// What the shim maps (docs/bridge.md): listReaders -> list; getStatusChange -> the
// bridge's reader list and its card-inserted/-removed events (PC/SC's status changes);
// connect -> connect with shareMode (SCARD_SHARE_EXCLUSIVE, what the source asks for, or
// SCARD_SHARE_SHARED); transmit; disconnect -> disconnect with its disposition; bridge
// errors -> SmartCardError responseCodes.
import { expect, test, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { createTestCard } from '../test/support/card.ts';
import type * as SmartCardIndex from '../src/reader/smart-card/index.ts';
import { CODE } from '../test/pcsc/bridge-harness.ts';
import { run, startPcscStack, type PcscStack } from '../test/pcsc/daemons.ts';
import { startBridge, type Bridge } from '../tools/bridge/server.ts';

type SmartCardModule = typeof SmartCardIndex;
let stack: PcscStack | undefined;
let bridge: Bridge | undefined;
let server: Server | undefined;
let pageUrl = '';
const bridgeLog: string[] = [];

/** Runs in the page before any script: navigator.smartCard over the bridge protocol. */
function installSmartCardShim({ url, code }: { url: string; code: string }): void {
  type Frame = Record<string, unknown> & { type: string; id?: number };
  class SmartCardError extends DOMException {
    responseCode: string;
    constructor(responseCode: string, message: string) {
      super(message, 'SmartCardError');
      this.responseCode = responseCode;
    }
  }
  const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
  const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const PCSC_CODES: Record<string, string> = { '8010000b': 'sharing-violation', '80100069': 'removed-card', '8010000c': 'no-smartcard', '80100009': 'unknown-reader', '80100017': 'reader-unavailable', '8010001d': 'no-service', '80100068': 'reset-card', '80100066': 'unresponsive-card' };
  const toError = (f: Frame) => {
    const code = String(f.code);
    const message = String(f.message);
    const hex = /0x([0-9a-f]{8})/i.exec(message)?.[1]?.toLowerCase();
    const rc =
      code === 'NO_CARD' ? 'no-smartcard'
      : code === 'READER_BUSY' ? 'sharing-violation'
      : code === 'CARD_REMOVED' ? 'removed-card'
      : code === 'NO_SUCH_READER' ? 'unknown-reader'
      : hex && PCSC_CODES[hex] ? PCSC_CODES[hex]
      : 'unknown-error';
    return new SmartCardError(rc, message);
  };

  const establishContext = () =>
    new Promise<unknown>((resolveContext, rejectContext) => {
      const ws = new WebSocket(url);
      let nextId = 1;
      const pending = new Map<number, { resolve: (f: Frame) => void; reject: (e: unknown) => void }>();
      const readers = new Map<string, { present: boolean; busy: boolean; count: number; atr?: Uint8Array }>();
      const watchers = new Set<() => void>();
      const changed = () => {
        for (const w of [...watchers]) w();
      };
      const request = (f: Frame) =>
        new Promise<Frame>((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          ws.send(JSON.stringify({ ...f, id }));
        });
      const stateOf = (name: string) => {
        const r = readers.get(name);
        return {
          readerName: name,
          eventState: r ? (r.present ? { present: true, exclusive: r.busy } : { empty: true }) : { unknown: true, unavailable: true },
          eventCount: r?.count ?? 0,
          ...(r?.atr ? { answerToReset: r.atr.slice().buffer } : {}),
        };
      };
      const context = {
        listReaders: async () => {
          const f = await request({ type: 'list' });
          return (f.readers as Array<{ name: string }>).map((r) => r.name);
        },
        getStatusChange: (states: Array<{ readerName: string; currentState: { unaware?: boolean }; currentCount?: number }>, options: { timeout?: number; signal?: AbortSignal } = {}) =>
          new Promise<unknown>((resolve, reject) => {
            const check = () => {
              const now = states.map((s) => stateOf(s.readerName));
              if (states.some((s, i) => s.currentState.unaware || s.currentCount !== now[i]?.eventCount)) {
                done();
                resolve(now);
                return true;
              }
              return false;
            };
            const timer = options.timeout !== undefined ? setTimeout(() => (done(), options.timeout === 0 ? resolve(states.map((s) => stateOf(s.readerName))) : reject(new DOMException('no change', 'TimeoutError'))), options.timeout) : undefined;
            const onAbort = () => (done(), reject(new DOMException('aborted', 'AbortError')));
            const done = () => {
              watchers.delete(check);
              if (timer) clearTimeout(timer);
              options.signal?.removeEventListener('abort', onAbort);
            };
            if (check()) return;
            watchers.add(check);
            options.signal?.addEventListener('abort', onAbort);
          }),
        connect: async (readerName: string, accessMode: string) => {
          if (accessMode !== 'exclusive' && accessMode !== 'shared') throw new SmartCardError('unsupported-feature', 'the bridge connects exclusive or shared only');
          const f = await request({ type: 'connect', reader: readerName, shareMode: accessMode });
          const atr = unb64(String(f.atr));
          return {
            activeProtocol: 't1',
            connection: {
              transmit: async (data: ArrayBuffer | ArrayBufferView) => {
                const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
                const r = await request({ type: 'transmit', apdu: b64(bytes) });
                return unb64(String(r.data)).buffer;
              },
              status: async () => ({ readerName, state: 'specific', answerToReset: atr.slice().buffer }),
              disconnect: async (disposition?: string) => {
                await request({ type: 'disconnect', ...(disposition ? { disposition } : {}) });
              },
            },
          };
        },
      };
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', version: 1, pairingCode: code }));
      ws.onerror = () => rejectContext(new SmartCardError('no-service', 'the bridge is not running'));
      ws.onmessage = (ev) => {
        const f = JSON.parse(String(ev.data)) as Frame;
        if (f.type === 'welcome') {
          for (const r of f.readers as Array<{ name: string; cardPresent: boolean; busy: boolean }>) readers.set(r.name, { present: r.cardPresent, busy: r.busy, count: 1 });
          resolveContext(context);
          return;
        }
        if (f.id !== undefined && pending.has(f.id)) {
          const p = pending.get(f.id);
          pending.delete(f.id);
          if (f.type === 'error') p?.reject(toError(f));
          else p?.resolve(f);
          return;
        }
        if (f.type === 'error') return rejectContext(toError(f));
        const name = String(f.reader);
        const r = readers.get(name) ?? { present: false, busy: false, count: 0 };
        if (f.type === 'card-inserted') Object.assign(r, { present: true, atr: unb64(String(f.atr)) });
        if (f.type === 'card-removed') Object.assign(r, { present: false, busy: false, atr: undefined });
        if (f.type === 'reader-removed') readers.delete(name);
        else readers.set(name, { ...r, count: r.count + 1 });
        changed();
      };
    });
  Object.defineProperty(navigator, 'smartCard', { value: { establishContext }, configurable: true });
}

async function pageScript(): Promise<string> {
  const out = await build({
    stdin: {
      contents: "import { listSmartCardReaders, openSmartCardReader, smartCardApi } from './src/reader/smart-card/index.ts'; Object.assign(window, { icv: { listSmartCardReaders, openSmartCardReader, smartCardApi } });",
      resolveDir: new URL('..', import.meta.url).pathname,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  return out.outputFiles[0]?.text ?? '';
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const js = await pageScript();
  server = createServer((req, res) => {
    if (req.url === '/sc.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>smart card</title><script src="/sc.js"></script>');
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const a = server.address();
  pageUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  stack = await startPcscStack(createTestCard({ seed: 'web smart card' }));
  bridge = await startBridge({ port: 0, origins: [pageUrl], pairingCode: CODE, log: (l) => bridgeLog.push(l) });
  const reader = stack.reader;
  await expect.poll(() => bridge?.hub.readerList().some((r) => r.name === reader && r.cardPresent), { timeout: 15_000 }).toBe(true);
});

test.afterAll(async () => {
  await stack?.stop().catch((e: unknown) => console.error('stopping pcscd/vpcd:', e));
  await bridge?.close().catch((e: unknown) => console.error('stopping the bridge:', e));
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function open(page: Page): Promise<void> {
  await page.addInitScript(installSmartCardShim, { url: bridge?.url ?? '', code: CODE });
  await page.goto(pageUrl);
  await page.waitForFunction(() => 'icv' in window);
}

test('the smart-card source lists PC/SC readers, holds the card exclusively, transmits, and sees the card leave', async ({ page }) => {
  const reader = stack?.reader ?? '';
  await open(page);
  const listed = await page.evaluate(async () => {
    const w = window as unknown as { icv: SmartCardModule };
    const api = w.icv.smartCardApi();
    if (!api) throw new Error('navigator.smartCard missing');
    return w.icv.listSmartCardReaders(api);
  });
  // vpcd gives pcscd two slots; ours holds the card, the second is empty.
  expect(listed).toEqual([
    { name: reader, cardPresent: true, busy: false },
    { name: 'Virtual PCD 00 01', cardPresent: false, busy: false },
  ]);

  // Open exclusively and run an APDU through the source's Transport.
  const sw = await page.evaluate(async () => {
    const w = window as unknown as { icv: SmartCardModule; session?: unknown };
    const s = await w.icv.openSmartCardReader(w.icv.smartCardApi() as never);
    w.session = s;
    const r = await s.transport.transmit(Uint8Array.of(0x80, 0xca, 0x01, 0x01, 0x00));
    return { reader: s.reader, atr: s.atr.length, sw: Array.from(r.slice(-2)) };
  });
  expect(sw).toEqual({ reader, atr: expect.any(Number), sw: [0x90, 0x00] });
  expect(sw.atr).toBeGreaterThan(1);

  // PC/SC's own exclusivity: another PC/SC program cannot reach the card meanwhile.
  const other = await run('opensc-tool', ['-r', '0', '-s', '80 CA 01 01 00'], 20_000);
  expect(other.code).not.toBe(0);
  expect(other.stdout + other.stderr).toMatch(/sharing violation|in use|Card is in use|exclusive|busy/i);

  // A second page's connect is refused as a sharing violation, in plain words.
  const page2 = await page.context().newPage();
  await open(page2);
  const busy = await page2.evaluate(async () => {
    const w = window as unknown as { icv: SmartCardModule };
    return w.icv.openSmartCardReader(w.icv.smartCardApi() as never).then(
      () => 'connected',
      (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
    );
  });
  expect(busy).toMatch(/^INTERFACE_BUSY: .*another program is using this reader \(sharing-violation\)/);
  await page2.close();

  // The card leaves: PC/SC's status change ends the session; a transmit is CARD_REMOVED.
  const removed = page.evaluate(async () => {
    const w = window as unknown as { session: { removed: Promise<void>; transport: { transmit(a: Uint8Array): Promise<Uint8Array> } } };
    await w.session.removed;
    return w.session.transport.transmit(Uint8Array.of(0x80, 0xca, 0x01, 0x01, 0x00)).then(
      () => 'answered',
      (e: { code: string }) => e.code,
    );
  });
  await stack?.removeCard();
  expect(await removed).toBe('CARD_REMOVED');

  // No card: the source says so without connecting.
  const none = await page.evaluate(async () => {
    const w = window as unknown as { icv: SmartCardModule };
    return w.icv.openSmartCardReader(w.icv.smartCardApi() as never).then(
      () => 'connected',
      (e: { code: string }) => e.code,
    );
  });
  expect(none).toBe('NO_CARD');
});

test('PC/SC decides sharing: while the page holds the card shared, another PC/SC program reaches it; exclusive shuts it out', async ({ page }) => {
  const reader = stack?.reader ?? '';
  await stack?.insertCard(createTestCard({ seed: 'shared' }));
  await expect.poll(() => bridge?.hub.readerList().some((r) => r.name === reader && r.cardPresent), { timeout: 15_000 }).toBe(true);
  await open(page);
  const connectAs = (mode: 'shared' | 'exclusive') =>
    page.evaluate(
      async ({ name, mode }) => {
        const sc = (navigator as unknown as { smartCard: { establishContext(): Promise<{ connect(n: string, m: string): Promise<{ connection: { transmit(b: Uint8Array): Promise<ArrayBuffer>; disconnect(d?: string): Promise<void> } }> }> } }).smartCard;
        const ctx = await sc.establishContext();
        const { connection } = await ctx.connect(name, mode);
        const answer = new Uint8Array(await connection.transmit(Uint8Array.of(0x80, 0xca, 0x01, 0x01, 0x00)));
        (window as unknown as { held: unknown }).held = connection;
        return Array.from(answer.slice(-2));
      },
      { name: reader, mode },
    );
  const release = () => page.evaluate(async () => (window as unknown as { held: { disconnect(d?: string): Promise<void> } }).held.disconnect('leave'));

  expect(await connectAs('shared')).toEqual([0x90, 0x00]);
  const whileShared = await run('opensc-tool', ['-r', '0', '-s', '80 CA 01 01 00'], 20_000);
  expect(whileShared.stdout + whileShared.stderr).toMatch(/SW1=0x90, SW2=0x00/);
  await release();

  expect(await connectAs('exclusive')).toEqual([0x90, 0x00]);
  const whileExclusive = await run('opensc-tool', ['-r', '0', '-s', '80 CA 01 01 00'], 20_000);
  expect(whileExclusive.stdout + whileExclusive.stderr).not.toMatch(/SW1=0x90, SW2=0x00/);
  await release();
});
