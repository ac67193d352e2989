// The PC/SC bridge over real pcscd + vpcd: who it refuses (another origin, no or wrong
// pairing code, a second client on a busy reader, malformed frames) and that the reader
// stays usable after each refusal; card insert/remove events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCard } from '../../test/support/card.ts';
import { toBase64 } from '../../src/protocol/bridge-frames.ts';
import { isReaderError } from '../../src/reader/errors.ts';
import { BridgeError, connectBridge, type BridgeEvent } from '../../src/reader/bridge-transport.ts';
import type { Bridge } from '../../tools/bridge/server.ts';
import { APP_ORIGIN, appSocket, handshakeStatus, openApp, rawClient, startTestBridge } from './bridge-harness.ts';
import { startPcscStack, type PcscStack } from './daemons.ts';

const SELECT_CM = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x07, 0xa0, 0x00, 0x00, 0x09, 0x99, 0x01, 0x00);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

let stack: PcscStack;
let bridge: Bridge & { lines: string[] };
beforeAll(async () => {
  stack = await startPcscStack(createTestCard({ seed: 'bridge refusals', cardNumber: '4900000000000001' }));
  bridge = await startTestBridge(stack.reader);
});
// pcscd first: the binding's close() joins its status thread, which only returns
// promptly once pcscd is gone (closing it first can block on SCardGetStatusChange).
afterAll(async () => {
  await stack?.stop();
  await bridge?.close();
});

/** The reader is usable: a fresh, paired client selects the card manager. */
async function readerUsable(): Promise<void> {
  const app = await openApp(bridge);
  const { transport } = await app.connectCard(stack.reader);
  expect(hex(await transport.transmit(SELECT_CM))).toBe('6f098407a000000999010090' + '00');
  await app.close();
}

describe('PC/SC bridge over real pcscd', () => {
  it('lists the vpcd reader with its card and carries APDUs for the paired app', async () => {
    const app = await openApp(bridge);
    expect(app.readers).toEqual([
      { name: stack.reader, cardPresent: true, busy: false },
      expect.objectContaining({ name: 'Virtual PCD 00 01', cardPresent: false }),
    ]);
    const { transport, atr } = await app.connectCard();
    expect(atr[0]).toBe(0x3b);
    expect(transport.limits.extendedLength).toBe(true);
    expect(hex(await transport.transmit(SELECT_CM))).toBe('6f098407a00000099901009000');
    await app.close();
  });

  it('refuses a page from another origin before the WebSocket opens (HTTP 403)', async () => {
    expect(await handshakeStatus(bridge, 'http://evil.example')).toBe(403);
    expect(await handshakeStatus(bridge, 'http://127.0.0.1:5174')).toBe(403);
    expect(await handshakeStatus(bridge, undefined)).toBe(403);
    expect(await handshakeStatus(bridge, APP_ORIGIN)).toBe(101);
    // The app sees what a browser shows for a refused handshake: the bridge is not reachable.
    const e = await connectBridge({ url: bridge.url, pairingCode: '246810', createSocket: appSocket('https://evil.example') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BridgeError);
    expect((e as BridgeError).bridgeCode).toBe('NOT_RUNNING');
    expect(bridge.lines.some((l) => l.includes('refused: page from origin https://evil.example'))).toBe(true);
    await readerUsable();
  });

  it('refuses a client without the pairing code, and one with a wrong code', async () => {
    const c = await rawClient(bridge);
    c.send(JSON.stringify({ type: 'connect', id: 1, reader: stack.reader }));
    expect(await c.next()).toMatchObject({ type: 'error', code: 'PAIRING_REQUIRED' });
    expect(await c.closed).toEqual({ code: 4001, reason: 'PAIRING_REQUIRED' });

    const e = await openApp(bridge, '000000').catch((x: unknown) => x);
    expect(isReaderError(e, 'ACCESS_DENIED')).toBe(true);
    expect((e as BridgeError).bridgeCode).toBe('BAD_PAIRING');
    expect((e as Error).message).toMatch(/6 digits/);
    expect(bridge.pairing.current).toBe('246810'); // one failure does not rotate the code
    await readerUsable();
  });

  it('refuses a second client on a busy reader until the first lets go', async () => {
    const a = await openApp(bridge);
    const b = await openApp(bridge);
    const { transport } = await a.connectCard(stack.reader);
    expect((await b.listReaders()).find((r) => r.name === stack.reader)).toEqual({ name: stack.reader, cardPresent: true, busy: true });
    const e = await b.connectCard(stack.reader).catch((x: unknown) => x);
    expect(isReaderError(e, 'INTERFACE_BUSY')).toBe(true);
    expect((e as BridgeError).bridgeCode).toBe('READER_BUSY');
    expect(hex(await transport.transmit(SELECT_CM)).slice(-4)).toBe('9000'); // A is undisturbed
    await a.disconnectCard();
    const second = await b.connectCard(stack.reader);
    expect(hex(await second.transport.transmit(SELECT_CM)).slice(-4)).toBe('9000');
    await a.close();
    await b.close();
  });

  const malformed: Array<[string, string | Uint8Array, RegExp]> = [
    ['not JSON', '{"type":"transmit",', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['an unknown type', JSON.stringify({ type: 'format-card', id: 3 }), /unknown type "format-card"/],
    ['bad base64', JSON.stringify({ type: 'transmit', id: 3, apdu: '!!not base64' }), /apdu: not base64/],
    ['an APDU of 3 bytes', JSON.stringify({ type: 'transmit', id: 3, apdu: toBase64(Uint8Array.of(0, 0xa4, 4)) }), /at least 4/],
    ['a transmit without id', JSON.stringify({ type: 'transmit', apdu: toBase64(SELECT_CM) }), /transmit: id expected/],
    ['a binary frame', Uint8Array.of(0, 0xa4, 4, 0), /binary frames/],
    ['a second hello', JSON.stringify({ type: 'hello', version: 1, pairingCode: '246810' }), /hello was already sent/],
  ];
  for (const [what, frame, message] of malformed) {
    it(`closes a client that sends ${what} (MALFORMED), releasing its reader`, async () => {
      const c = await rawClient(bridge);
      c.send(JSON.stringify({ type: 'hello', version: 1, pairingCode: '246810' }));
      expect(await c.next()).toMatchObject({ type: 'welcome', version: 1 });
      c.send(JSON.stringify({ type: 'connect', id: 1, reader: stack.reader }));
      expect(await c.next()).toMatchObject({ type: 'connected', id: 1, reader: stack.reader });
      c.send(JSON.stringify({ type: 'transmit', id: 2, apdu: toBase64(SELECT_CM) }));
      expect(await c.next()).toMatchObject({ type: 'response', id: 2, data: toBase64(Uint8Array.of(0x6f, 9, 0x84, 7, 0xa0, 0, 0, 9, 0x99, 1, 0, 0x90, 0)) });
      c.send(frame);
      const err = await c.next();
      expect(err).toMatchObject({ type: 'error', code: 'MALFORMED' });
      expect(String(err.message)).toMatch(message);
      expect(await c.closed).toEqual({ code: 4002, reason: 'MALFORMED' });
      expect(bridge.hub.readerList().find((r) => r.name === stack.reader)?.busy).toBe(false);
      await readerUsable();
    });
  }

  it('tells paired clients when the card is removed and inserted; a transmit without card fails clearly', async () => {
    const app = await openApp(bridge);
    const events: BridgeEvent[] = [];
    app.onEvent((e) => events.push(e));
    const { transport } = await app.connectCard(stack.reader);
    await stack.removeCard();
    for (let i = 0; i < 100 && !events.some((e) => e.type === 'card-removed'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(events).toContainEqual({ type: 'card-removed', reader: stack.reader });
    const e = await transport.transmit(SELECT_CM).catch((x: unknown) => x);
    expect(isReaderError(e)).toBe(true);
    expect((e as BridgeError).bridgeCode).toMatch(/NOT_CONNECTED|CARD_REMOVED/);

    const second = createTestCard({ seed: 'bridge second card', cardNumber: '4900000000000002' });
    await stack.insertCard(second);
    for (let i = 0; i < 100 && !events.some((e) => e.type === 'card-inserted'); i++) await new Promise((r) => setTimeout(r, 50));
    const inserted = events.find((e) => e.type === 'card-inserted');
    expect(inserted).toMatchObject({ type: 'card-inserted', reader: stack.reader });
    expect(inserted && 'atr' in inserted ? hex(inserted.atr) : '').toBe(hex(second.powerOn()));
    second.powerOff();
    const again = await app.connectCard(stack.reader);
    expect(hex(await again.transport.transmit(SELECT_CM)).slice(-4)).toBe('9000');
    await app.close();
  });
});
