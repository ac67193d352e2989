import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeServerFrame, encodeClientFrame, encodeServerFrame, fromBase64, toBase64, type ClientFrame, type ServerFrame } from './bridge-frames.ts';

describe('bridge frames', () => {
  it('base64 at the edges (RFC 4648 §10 vectors) and refuses non-base64', () => {
    const enc = new TextEncoder();
    for (const [plain, b64] of [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foobar', 'Zm9vYmFy']] as const) {
      expect(toBase64(enc.encode(plain))).toBe(b64);
      expect(fromBase64(b64)).toEqual(enc.encode(plain));
    }
    for (const bad of ['Zg', 'Zg=', '!!!!', 'Zm9v\n', 'Z===']) expect(fromBase64(bad)).toBeUndefined();
    const big = Uint8Array.from({ length: 70_000 }, (_, i) => i & 0xff);
    expect(fromBase64(toBase64(big))).toEqual(big);
  });

  it('encodes client frames byte for byte', () => {
    expect(encodeClientFrame({ type: 'hello', version: 1, pairingCode: '012345' })).toBe('{"type":"hello","version":1,"pairingCode":"012345"}');
    expect(encodeClientFrame({ type: 'transmit', id: 7, apdu: Uint8Array.of(0x80, 0xca, 1, 1, 0) })).toBe('{"type":"transmit","id":7,"apdu":"gMoBAQA="}');
    expect(encodeServerFrame({ type: 'response', id: 7, data: Uint8Array.of(0x90, 0) })).toBe('{"type":"response","id":7,"data":"kAA="}');
  });

  it('round-trips every frame kind', () => {
    const client: ClientFrame[] = [
      { type: 'hello', version: 1, pairingCode: '999999' },
      { type: 'list', id: 0 },
      { type: 'connect', id: 1, reader: 'Virtual PCD 00 00' },
      { type: 'transmit', id: 2, apdu: Uint8Array.of(0, 0xa4, 4, 0) },
      { type: 'disconnect', id: 3 },
      { type: 'hello', version: 1, pairingToken: 'abc' },
      { type: 'connect', id: 5, reader: 'R', shareMode: 'shared' },
      { type: 'connect', id: 6, reader: 'R', shareMode: 'exclusive' },
      { type: 'disconnect', id: 7, disposition: 'leave' },
      { type: 'disconnect', id: 8, disposition: 'unpower' },
    ];
    for (const f of client) expect(decodeClientFrame(encodeClientFrame(f))).toEqual({ ok: true, value: f });
    const server: ServerFrame[] = [
      { type: 'welcome', version: 1, readers: [{ name: 'R', cardPresent: true, busy: false }] },
      { type: 'welcome', version: 1, readers: [], pairingToken: 'tok' },
      { type: 'readers', id: 4, readers: [] },
      { type: 'connected', id: 1, reader: 'R', atr: Uint8Array.of(0x3b, 0) },
      { type: 'response', id: 2, data: Uint8Array.of(0x6a, 0x82) },
      { type: 'disconnected', id: 3 },
      { type: 'error', id: 2, code: 'READER_BUSY', message: 'busy' },
      { type: 'error', code: 'MALFORMED', message: 'not JSON' },
      { type: 'reader-added', reader: 'R' },
      { type: 'reader-removed', reader: 'R' },
      { type: 'card-inserted', reader: 'R', atr: Uint8Array.of(0x3b) },
      { type: 'card-removed', reader: 'R' },
    ];
    for (const f of server) expect(decodeServerFrame(encodeServerFrame(f))).toEqual({ ok: true, value: f });
  });

  it('names what is wrong with a bad client frame', () => {
    const bad: Array<[string, RegExp]> = [
      ['', /not JSON/],
      ['null', /not a JSON object/],
      ['[]', /not a JSON object/],
      ['{"type":"nope"}', /unknown type "nope"/],
      ['{}', /unknown type undefined/],
      ['{"type":"hello","version":1}', /pairingCode or pairingToken expected/],
      ['{"type":"hello","version":1,"pairingCode":7}', /pairingCode must be a string/],
      ['{"type":"hello","version":1,"pairingToken":""}', /pairingToken must be a string of 1 to 128/],
      ['{"type":"connect","id":1,"reader":""}', /reader name expected/],
      ['{"type":"connect","id":1,"reader":"R","shareMode":"direct"}', /shareMode must be one of exclusive, shared/],
      ['{"type":"disconnect","id":1,"disposition":"keep"}', /disposition must be one of leave, reset, unpower, eject/],
      ['{"type":"connect","id":-1,"reader":"R"}', /id expected/],
      ['{"type":"transmit","id":1,"apdu":"AAA="}', /at least 4/],
      ['{"type":"transmit","id":1,"apdu":5}', /base64 string expected/],
      [`{"type":"transmit","id":1,"apdu":"${'A'.repeat(100_000)}"}`, /frame too long/],
    ];
    for (const [text, msg] of bad) {
      const d = decodeClientFrame(text);
      expect(d.ok, text).toBe(false);
      expect(d.ok ? '' : d.error.message).toMatch(msg);
    }
  });

  it('never throws on any string (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
        decodeClientFrame(s);
        decodeServerFrame(s);
      }),
    );
  });
});
