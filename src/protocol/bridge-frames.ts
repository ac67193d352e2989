/**
 * Frames of the local PC/SC bridge (docs/bridge.md): one JSON object per WebSocket
 * text frame, bytes in standard base64. Shared by the bridge (tools/bridge) and the
 * app's BridgeTransport (src/reader/bridge-transport.ts). Pure code, no I/O; decoders
 * never throw and name what was wrong.
 */
import { fail, ok, type Decoded } from './result.ts';

export const BRIDGE_PROTOCOL_VERSION = 1;
export const BRIDGE_DEFAULT_PORT = 35964;
/** Largest text frame either side accepts: an extended APDU (65544 bytes) in base64 plus JSON. */
export const BRIDGE_MAX_FRAME = 96 * 1024;

export interface ReaderInfo {
  name: string;
  cardPresent: boolean;
  /** Held by another client of the bridge. */
  busy: boolean;
}

export type ClientFrame =
  /**
   * pairingCode: the 6 digits the bridge printed (first time); pairingToken: what the
   * bridge's welcome gave this origin then (later runs; the bridge keeps its hash in its
   * config file until `icvault-bridge forget`). At least one of the two.
   */
  | { type: 'hello'; version: number; pairingCode?: string; pairingToken?: string }
  | { type: 'list'; id: number }
  /** shareMode: PC/SC's SCARD_SHARE_EXCLUSIVE (default; what a backup or restore uses) or SCARD_SHARE_SHARED. */
  | { type: 'connect'; id: number; reader: string; shareMode?: BridgeShareMode }
  | { type: 'transmit'; id: number; apdu: Uint8Array }
  /** disposition: what PC/SC does with the card (SCARD_*_CARD); default reset, so the next user starts unauthenticated. */
  | { type: 'disconnect'; id: number; disposition?: BridgeDisposition };

export type BridgeShareMode = 'exclusive' | 'shared';
export type BridgeDisposition = 'leave' | 'reset' | 'unpower' | 'eject';
const SHARE_MODES: readonly string[] = ['exclusive', 'shared'];
const DISPOSITIONS: readonly string[] = ['leave', 'reset', 'unpower', 'eject'];

export type BridgeErrorCode =
  | 'BAD_ORIGIN'
  | 'PAIRING_REQUIRED'
  | 'BAD_PAIRING'
  | 'MALFORMED'
  | 'UNSUPPORTED_VERSION'
  | 'NO_SUCH_READER'
  | 'READER_BUSY'
  | 'NO_CARD'
  | 'NOT_CONNECTED'
  | 'CARD_REMOVED'
  | 'PCSC_ERROR';

export type ServerFrame =
  /** pairingToken: issued when a code paired this origin and the bridge remembers pairings. */
  | { type: 'welcome'; version: number; readers: ReaderInfo[]; pairingToken?: string }
  | { type: 'readers'; id: number; readers: ReaderInfo[] }
  | { type: 'connected'; id: number; reader: string; atr: Uint8Array }
  | { type: 'response'; id: number; data: Uint8Array }
  | { type: 'disconnected'; id: number }
  | { type: 'error'; id?: number; code: BridgeErrorCode; message: string }
  | { type: 'reader-added' | 'reader-removed'; reader: string }
  | { type: 'card-inserted'; reader: string; atr: Uint8Array }
  | { type: 'card-removed'; reader: string };

// ---- base64 (btoa/atob exist in browsers and Node 20) ----

export function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function fromBase64(s: string): Uint8Array | undefined {
  if (!B64.test(s)) return undefined;
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// ---- encoding ----

type Wire = Record<string, unknown>;

function toWire(f: ClientFrame | ServerFrame): Wire {
  const w: Wire = { ...f };
  for (const k of ['apdu', 'data', 'atr'] as const) {
    const v = (f as Record<string, unknown>)[k];
    if (v instanceof Uint8Array) w[k] = toBase64(v);
  }
  return w;
}

export const encodeClientFrame = (f: ClientFrame): string => JSON.stringify(toWire(f));
export const encodeServerFrame = (f: ServerFrame): string => JSON.stringify(toWire(f));

// ---- decoding ----

const WHAT = 'bridge frame';
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isStr = (v: unknown, max = 256): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

function parseObject(text: string): Decoded<Wire> {
  if (text.length > BRIDGE_MAX_FRAME) return fail(WHAT, `frame too long: ${text.length} > ${BRIDGE_MAX_FRAME}`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return fail(WHAT, 'not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(WHAT, 'not a JSON object');
  return ok(v as Wire);
}

function bytesField(w: Wire, key: string, max: number): Decoded<Uint8Array> {
  const v = w[key];
  if (typeof v !== 'string') return fail(WHAT, `${key}: base64 string expected`);
  const b = fromBase64(v);
  if (!b) return fail(WHAT, `${key}: not base64`);
  if (b.length > max) return fail(WHAT, `${key}: ${b.length} bytes > ${max}`);
  return ok(b);
}

/** A frame from the app, as the bridge reads it. */
export function decodeClientFrame(text: string): Decoded<ClientFrame> {
  const o = parseObject(text);
  if (!o.ok) return o;
  const w = o.value;
  switch (w.type) {
    case 'hello':
      if (!isId(w.version)) return fail(WHAT, 'hello: version expected');
      if (w.pairingCode !== undefined && typeof w.pairingCode !== 'string') return fail(WHAT, 'hello: pairingCode must be a string');
      if (w.pairingToken !== undefined && !isStr(w.pairingToken, 128)) return fail(WHAT, 'hello: pairingToken must be a string of 1 to 128 characters');
      if (w.pairingCode === undefined && w.pairingToken === undefined) return fail(WHAT, 'hello: pairingCode or pairingToken expected');
      return ok({
        type: 'hello',
        version: w.version,
        ...(w.pairingCode !== undefined ? { pairingCode: w.pairingCode } : {}),
        ...(w.pairingToken !== undefined ? { pairingToken: w.pairingToken } : {}),
      });
    case 'list':
      if (!isId(w.id)) return fail(WHAT, 'list: id expected');
      return ok({ type: 'list', id: w.id });
    case 'disconnect':
      if (!isId(w.id)) return fail(WHAT, 'disconnect: id expected');
      if (w.disposition !== undefined && !DISPOSITIONS.includes(w.disposition as string))
        return fail(WHAT, `disconnect: disposition must be one of ${DISPOSITIONS.join(', ')}`);
      return ok({ type: 'disconnect', id: w.id, ...(w.disposition !== undefined ? { disposition: w.disposition as BridgeDisposition } : {}) });
    case 'connect':
      if (!isId(w.id)) return fail(WHAT, 'connect: id expected');
      if (!isStr(w.reader)) return fail(WHAT, 'connect: reader name expected');
      if (w.shareMode !== undefined && !SHARE_MODES.includes(w.shareMode as string)) return fail(WHAT, `connect: shareMode must be one of ${SHARE_MODES.join(', ')}`);
      return ok({ type: 'connect', id: w.id, reader: w.reader, ...(w.shareMode !== undefined ? { shareMode: w.shareMode as BridgeShareMode } : {}) });
    case 'transmit': {
      if (!isId(w.id)) return fail(WHAT, 'transmit: id expected');
      const apdu = bytesField(w, 'apdu', 65544);
      if (!apdu.ok) return apdu;
      if (apdu.value.length < 4) return fail(WHAT, `transmit: APDU of ${apdu.value.length} bytes (at least 4)`);
      return ok({ type: 'transmit', id: w.id, apdu: apdu.value });
    }
    default:
      return fail(WHAT, `unknown type ${JSON.stringify(w.type)?.slice(0, 40) ?? 'undefined'}`);
  }
}

const READER_INFO = (v: unknown): v is ReaderInfo =>
  typeof v === 'object' && v !== null && isStr((v as ReaderInfo).name) && typeof (v as ReaderInfo).cardPresent === 'boolean' && typeof (v as ReaderInfo).busy === 'boolean';

/** A frame from the bridge, as the app reads it. */
export function decodeServerFrame(text: string): Decoded<ServerFrame> {
  const o = parseObject(text);
  if (!o.ok) return o;
  const w = o.value;
  const readers = (): Decoded<ReaderInfo[]> =>
    Array.isArray(w.readers) && w.readers.every(READER_INFO) ? ok(w.readers.map((r) => ({ name: r.name, cardPresent: r.cardPresent, busy: r.busy }))) : fail(WHAT, `${String(w.type)}: readers expected`);
  switch (w.type) {
    case 'welcome': {
      const r = readers();
      if (!r.ok) return r;
      if (w.pairingToken !== undefined && !isStr(w.pairingToken, 128)) return fail(WHAT, 'welcome: pairingToken must be a string of 1 to 128 characters');
      return isId(w.version)
        ? ok({ type: 'welcome', version: w.version, readers: r.value, ...(w.pairingToken !== undefined ? { pairingToken: w.pairingToken } : {}) })
        : fail(WHAT, 'welcome: version expected');
    }
    case 'readers': {
      const r = readers();
      if (!r.ok) return r;
      return isId(w.id) ? ok({ type: 'readers', id: w.id, readers: r.value }) : fail(WHAT, 'readers: id expected');
    }
    case 'connected': {
      const atr = bytesField(w, 'atr', 33);
      if (!atr.ok) return atr;
      if (!isId(w.id) || !isStr(w.reader)) return fail(WHAT, 'connected: id and reader expected');
      return ok({ type: 'connected', id: w.id, reader: w.reader, atr: atr.value });
    }
    case 'response': {
      const data = bytesField(w, 'data', 65538);
      if (!data.ok) return data;
      if (!isId(w.id)) return fail(WHAT, 'response: id expected');
      if (data.value.length < 2) return fail(WHAT, 'response: no status word');
      return ok({ type: 'response', id: w.id, data: data.value });
    }
    case 'disconnected':
      return isId(w.id) ? ok({ type: 'disconnected', id: w.id }) : fail(WHAT, 'disconnected: id expected');
    case 'error': {
      if (!isStr(w.code, 40) || typeof w.message !== 'string') return fail(WHAT, 'error: code and message expected');
      const f: ServerFrame = { type: 'error', code: w.code as BridgeErrorCode, message: w.message };
      if (isId(w.id)) f.id = w.id;
      return ok(f);
    }
    case 'reader-added':
    case 'reader-removed':
    case 'card-removed':
      return isStr(w.reader) ? ok({ type: w.type, reader: w.reader }) : fail(WHAT, `${w.type}: reader expected`);
    case 'card-inserted': {
      const atr = bytesField(w, 'atr', 33);
      if (!atr.ok) return atr;
      return isStr(w.reader) ? ok({ type: 'card-inserted', reader: w.reader, atr: atr.value }) : fail(WHAT, 'card-inserted: reader expected');
    }
    default:
      return fail(WHAT, `unknown type ${JSON.stringify(w.type)?.slice(0, 40) ?? 'undefined'}`);
  }
}
