/**
 * Answer-to-Reset parser (ISO/IEC 7816-3:2006 §8.2). The parser never throws: a
 * malformed ATR comes back as a DecodeError naming what is wrong.
 *
 *   TS T0 {TAi TBi TCi TDi}... T1..TK [TCK]
 */
import { fail, ok, type Decoded } from './result.ts';
import { historicalCapabilities, type HistoricalCapabilities } from './atr-historical.ts';

/** Fi by TA1 high nibble, Table 7 of 7816-3 (0 = RFU). */
export const FI_TABLE = [372, 372, 558, 744, 1116, 1488, 1860, 0, 0, 512, 768, 1024, 1536, 2048, 0, 0] as const;
/** f(max) in MHz by the same index. */
export const FMAX_TABLE = [4, 5, 6, 8, 12, 16, 20, 0, 0, 5, 7.5, 10, 15, 20, 0, 0] as const;
/** Di by TA1 low nibble, Table 8 (0 = RFU). */
export const DI_TABLE = [0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0] as const;

export interface InterfaceGroup {
  ta: number | undefined;
  tb: number | undefined;
  tc: number | undefined;
  td: number | undefined;
}

export interface Atr {
  bytes: Uint8Array;
  convention: 'direct' | 'inverse';
  /** Groups i = 1.. (index 0 is TA1/TB1/TC1/TD1). */
  groups: InterfaceGroup[];
  historical: Uint8Array;
  tck: number | undefined;
  /** Protocols the card offers, in order, from TDi; [0] when TD1 is absent (§8.2.3). */
  protocols: number[];
  /** TA1 indices and their values; defaults Fi=372, Di=1. */
  fiIndex: number;
  diIndex: number;
  fi: number;
  di: number;
  /** TA2 present: the card is in specific mode on this protocol (§8.3). */
  specificProtocol: number | undefined;
  /** TC1: extra guard time N. */
  extraGuardTime: number;
  /** T=0 waiting integer WI, TC2, default 10 (§10.2). */
  wi: number;
  /** T=1 parameters from the first TA/TB/TC after a TD announcing T=1 (§11.4). */
  ifsc: number;
  bwi: number;
  cwi: number;
  crc: boolean;
  history: HistoricalCapabilities;
  /** Soft problems the ATR has but that do not stop a session. */
  warnings: string[];
}

/**
 * TCK is required when any protocol other than T=0 is indicated (§8.2.5). The check:
 * XOR of T0 through TCK is zero.
 */
export function parseAtr(b: Uint8Array): Decoded<Atr> {
  const what = 'ATR';
  if (b.length < 2) return fail(what, `too short: ${b.length} bytes`);
  if (b.length > 33) return fail(what, `too long: ${b.length} bytes, at most 33 (§8.2.1)`);
  const ts = b[0] as number;
  if (ts !== 0x3b && ts !== 0x3f) return fail(what, `TS 0x${ts.toString(16)} is neither 3B (direct) nor 3F (inverse)`, 0);
  const t0 = b[1] as number;
  const k = t0 & 0x0f;
  const groups: InterfaceGroup[] = [];
  const protocols: number[] = [];
  let y = t0 >>> 4;
  let o = 2;
  for (let i = 1; ; i++) {
    const g: InterfaceGroup = { ta: undefined, tb: undefined, tc: undefined, td: undefined };
    for (const [bit, key] of [[1, 'ta'], [2, 'tb'], [4, 'tc'], [8, 'td']] as const) {
      if (!(y & bit)) continue;
      if (o >= b.length) return fail(what, `interface byte ${key.toUpperCase()}${i} missing: ATR ends early`, o);
      g[key] = b[o++] as number;
    }
    groups.push(g);
    if (g.td === undefined) break;
    const t = g.td & 0x0f;
    if (t !== 15 && !protocols.includes(t)) protocols.push(t);
    y = g.td >>> 4;
  }
  if (protocols.length === 0) protocols.push(0);
  if (o + k > b.length) return fail(what, `${k} historical bytes announced but only ${b.length - o} remain`, o);
  const historical = b.slice(o, o + k);
  o += k;
  const needTck = groups.some((g) => g.td !== undefined && (g.td & 0x0f) !== 0);
  const warnings: string[] = [];
  let tck: number | undefined;
  if (needTck) {
    if (o >= b.length) return fail(what, 'TCK missing although a protocol other than T=0 is indicated', o);
    tck = b[o++] as number;
    let x = 0;
    for (let i = 1; i < o; i++) x ^= b[i] as number;
    if (x !== 0) return fail(what, `TCK 0x${tck.toString(16)} does not check: XOR of T0..TCK is 0x${x.toString(16)}`, o - 1);
  }
  if (o < b.length) {
    // A T=0-only card sending a TCK anyway is common and harmless; anything else is not.
    if (!needTck && o + 1 === b.length) warnings.push('TCK present although only T=0 is indicated');
    else return fail(what, `${b.length - o} bytes after the end of the ATR`, o);
  }
  return ok(interpret(b, ts, groups, historical, tck, protocols, warnings));
}

function interpret(
  b: Uint8Array,
  ts: number,
  groups: InterfaceGroup[],
  historical: Uint8Array,
  tck: number | undefined,
  protocols: number[],
  warnings: string[],
): Atr {
  const ta1 = groups[0]?.ta ?? 0x11;
  const fiIndex = ta1 >>> 4;
  const diIndex = ta1 & 0x0f;
  let fi = FI_TABLE[fiIndex] ?? 0;
  let di = DI_TABLE[diIndex] ?? 0;
  if (fi === 0 || di === 0) {
    warnings.push(`TA1 0x${ta1.toString(16)} names an RFU Fi/Di; using Fi=372 Di=1`);
    fi = 372;
    di = 1;
  }
  const ta2 = groups[1]?.ta;
  // T=1 specific bytes: the first TA/TB/TC of a group that follows a TD with T=1, i >= 3 (§11.4.2)
  let ifsc = 32;
  let bwi = 4;
  let cwi = 13;
  let crc = false;
  let seenT1Group = false;
  for (let i = 1; i < groups.length; i++) {
    const prev = groups[i - 1];
    const g = groups[i] as InterfaceGroup;
    if (i < 2 || prev?.td === undefined || (prev.td & 0x0f) !== 1 || seenT1Group) continue;
    seenT1Group = true;
    if (g.ta !== undefined) {
      if (g.ta === 0x00 || g.ta === 0xff) warnings.push(`IFSC 0x${g.ta.toString(16)} is RFU; using 32`);
      else ifsc = g.ta;
    }
    if (g.tb !== undefined) {
      bwi = g.tb >>> 4;
      cwi = g.tb & 0x0f;
    }
    if (g.tc !== undefined) crc = (g.tc & 1) !== 0;
  }
  return {
    bytes: b.slice(),
    convention: ts === 0x3b ? 'direct' : 'inverse',
    groups,
    historical,
    tck,
    protocols,
    fiIndex,
    diIndex,
    fi,
    di,
    specificProtocol: ta2 === undefined ? undefined : ta2 & 0x0f,
    extraGuardTime: groups[0]?.tc ?? 0,
    wi: groups[1]?.tc ?? 10,
    ifsc,
    bwi,
    cwi,
    crc,
    history: historicalCapabilities(historical),
    warnings,
  };
}
