/**
 * Bulk-OUT messages, host to reader (CCID rev 1.1 §6.1). The reader side (the
 * simulated reader) decodes them; the driver encodes them.
 */
import { readU32le, u32le, concat } from '../bytes.ts';
import { fail, ok, type Decoded } from '../result.ts';
import { PC_TO_RDR } from './constants.ts';
import { decodeFrame, encodeFrame } from './header.ts';

interface Addressed {
  slot: number;
  seq: number;
}

export type PcToRdr = Addressed &
  (
    | { type: 'IccPowerOn'; powerSelect: number } // §6.1.1 bPowerSelect 0 auto, 1 5V, 2 3V, 3 1.8V
    | { type: 'IccPowerOff' } // §6.1.2
    | { type: 'GetSlotStatus' } // §6.1.3
    | { type: 'XfrBlock'; bwi: number; levelParameter: number; data: Uint8Array } // §6.1.4
    | { type: 'GetParameters' } // §6.1.5
    | { type: 'ResetParameters' } // §6.1.6
    | { type: 'SetParameters'; protocol: number; data: Uint8Array } // §6.1.7
    | { type: 'Escape'; data: Uint8Array } // §6.1.8
    | { type: 'IccClock'; clockCommand: number } // §6.1.9
    | { type: 'T0APDU'; changes: number; classGetResponse: number; classEnvelope: number } // §6.1.10
    | { type: 'Secure'; bwi: number; levelParameter: number; data: Uint8Array } // §6.1.11
    | { type: 'Mechanical'; function: number } // §6.1.12
    | { type: 'Abort' } // §6.1.13
    | { type: 'SetDataRateAndClockFrequency'; clockFrequency: number; dataRate: number } // §6.1.14
  );

export type PcToRdrName = PcToRdr['type'];

const EMPTY = new Uint8Array(0);

export function encodePcToRdr(m: PcToRdr): Uint8Array {
  const frame = (specific: [number, number, number], data: Uint8Array = EMPTY) =>
    encodeFrame({ type: PC_TO_RDR[m.type], slot: m.slot, seq: m.seq, specific, data });
  switch (m.type) {
    case 'IccPowerOn':
      return frame([m.powerSelect, 0, 0]);
    case 'XfrBlock':
    case 'Secure':
      // wLevelParameter is little endian at offsets 8-9 (§6.1.4)
      return frame([m.bwi, m.levelParameter & 0xff, (m.levelParameter >>> 8) & 0xff], m.data);
    case 'SetParameters':
      return frame([m.protocol, 0, 0], m.data);
    case 'Escape':
      return frame([0, 0, 0], m.data);
    case 'IccClock':
      return frame([m.clockCommand, 0, 0]);
    case 'T0APDU':
      return frame([m.changes, m.classGetResponse, m.classEnvelope]);
    case 'Mechanical':
      return frame([m.function, 0, 0]);
    case 'SetDataRateAndClockFrequency':
      return frame([0, 0, 0], concat(u32le(m.clockFrequency), u32le(m.dataRate)));
    case 'IccPowerOff':
    case 'GetSlotStatus':
    case 'GetParameters':
    case 'ResetParameters':
    case 'Abort':
      return frame([0, 0, 0]);
  }
}

const NAMES = new Map<number, PcToRdrName>(Object.entries(PC_TO_RDR).map(([k, v]) => [v, k as PcToRdrName]));

export function decodePcToRdr(b: Uint8Array): Decoded<PcToRdr> {
  const what = 'PC_to_RDR message';
  const f = decodeFrame(b, what);
  if (!f.ok) return f;
  const { slot, seq, data } = f.value;
  const [s7, s8, s9] = f.value.specific;
  const name = NAMES.get(f.value.type);
  if (name === undefined) return fail(what, `unknown bMessageType 0x${f.value.type.toString(16)}`, 0);
  const a = { slot, seq };
  const noData = <T>(v: T): Decoded<T> => (data.length === 0 ? ok(v) : fail(what, `${name} carries no data, got ${data.length} bytes`, 1));
  switch (name) {
    case 'IccPowerOn':
      return noData({ ...a, type: name, powerSelect: s7 });
    case 'XfrBlock':
    case 'Secure':
      return ok({ ...a, type: name, bwi: s7, levelParameter: s8 | (s9 << 8), data });
    case 'SetParameters':
      return ok({ ...a, type: name, protocol: s7, data });
    case 'Escape':
      return ok({ ...a, type: name, data });
    case 'IccClock':
      return noData({ ...a, type: name, clockCommand: s7 });
    case 'T0APDU':
      return noData({ ...a, type: name, changes: s7, classGetResponse: s8, classEnvelope: s9 });
    case 'Mechanical':
      return noData({ ...a, type: name, function: s7 });
    case 'SetDataRateAndClockFrequency':
      if (data.length !== 8) return fail(what, `${name} needs 8 data bytes, got ${data.length}`, 1);
      return ok({ ...a, type: name, clockFrequency: readU32le(data, 0), dataRate: readU32le(data, 4) });
    case 'IccPowerOff':
    case 'GetSlotStatus':
    case 'GetParameters':
    case 'ResetParameters':
    case 'Abort':
      return noData({ ...a, type: name });
  }
}
