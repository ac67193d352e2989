/**
 * Which Fi/Di (TA1-style byte) to ask for, from the card's TA1 and what the reader
 * declares: its default clock, dwMaxDataRate and its GET_DATA_RATES table (CCID rev
 * 1.1 §5.1, §5.3.3). The rule is libccid's (src/ifdhandler.c
 * IFDHSetProtocolParameters(), find_baud_rate()):
 *   rate = clock × D / F.
 *   - A card faster than the default (TA1 gives rate > clock/372) that the reader can
 *     follow (rate <= dwMaxDataRate, and in the table when there is one, ±2 bps): ask
 *     for TA1.
 *   - Not in the table: stay at the default; a card in specific mode (TA2) cannot,
 *     so it is refused.
 *   - Faster than dwMaxDataRate + 2 with TA1 <= 0x97: try TA1 - 1 down to 0x94 (same
 *     Fi, smaller Di), the first the reader can do (in the table, or under the maximum
 *     when there is no table).
 * Fi/Di that ISO/IEC 7816-3 Tables 7-8 mark RFU are never asked for (libccid computes
 * F or D = 0 for them and falls back to TA1 = 11).
 */
import { DI_TABLE, FI_TABLE } from '../../protocol/atr.ts';

export interface ReaderSpeed {
  /** dwDefaultClock in kHz. */
  clockKHz: number;
  /** dwMaxDataRate in bps. */
  maxDataRate: number;
  /** The reader's GET_DATA_RATES answer; undefined when it has none. */
  dataRates: readonly number[] | undefined;
}

export const DEFAULT_FIDI = 0x11;

/** F and D of a TA1-style byte, or undefined when either is RFU. */
export function fiDiValues(fiDi: number): { f: number; d: number } | undefined {
  const f = FI_TABLE[(fiDi >>> 4) & 0xf] ?? 0;
  const d = DI_TABLE[fiDi & 0xf] ?? 0;
  return f === 0 || d === 0 ? undefined : { f, d };
}

/** bps at the reader's default clock, truncated as libccid does. */
export function dataRate(fiDi: number, clockKHz: number): number {
  const v = fiDiValues(fiDi) ?? { f: 372, d: 1 };
  return Math.trunc((1000 * clockKHz * v.d) / v.f);
}

/** libccid find_baud_rate(): the computed rate is approximate, so ±2 bps. */
export function inTable(rate: number, table: readonly number[]): boolean {
  return table.some((r) => rate < r + 2 && rate > r - 2);
}

export type SpeedChoice = { fiDi: number } | { refuse: string };

/**
 * The Fi/Di to negotiate (0x11 = stay at the default), or why a card in specific mode
 * cannot be used.
 */
export function chooseSpeed(ta1: number | undefined, specificMode: boolean, reader: ReaderSpeed): SpeedChoice {
  if (ta1 === undefined) return { fiDi: DEFAULT_FIDI };
  const rate = dataRate(ta1, reader.clockKHz);
  const defaultRate = dataRate(DEFAULT_FIDI, reader.clockKHz);
  const table = reader.dataRates;
  const valid = fiDiValues(ta1) !== undefined;
  if (rate > defaultRate && rate <= reader.maxDataRate) {
    if (valid && (!table || inTable(rate, table))) return { fiDi: ta1 };
    if (specificMode) return { refuse: `the card works only at ${rate} bps (TA1 ${hex(ta1)}), which this reader does not offer` };
    return { fiDi: DEFAULT_FIDI };
  }
  if (rate > reader.maxDataRate + 2 && ta1 <= 0x97) {
    for (let t = ta1 - 1; t >= 0x94; t--) {
      const r = dataRate(t, reader.clockKHz);
      if (fiDiValues(t) && (table ? inTable(r, table) : r <= reader.maxDataRate)) return { fiDi: t };
    }
  }
  return { fiDi: DEFAULT_FIDI };
}

const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');
