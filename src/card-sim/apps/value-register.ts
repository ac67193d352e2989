/**
 * A value (yen, points) and its transaction log: the part of e-money and membership
 * that fig. 20 is about. Every change writes the value and its log entry in one
 * `ctx.atomic`, so a power cut leaves the old pair or the new pair, never a value
 * without its entry.
 */
import type { CommandApdu, ResponseApdu } from '../../protocol/apdu.ts';
import { readU32be, u32be } from '../../protocol/bytes.ts';
import { decodeValueCommand, type LogKind } from '../../protocol/commands/apps/value-log.ts';
import { SW } from '../../protocol/status-words.ts';
import type { AppContext } from '../app-api.ts';
import type { CyclicLog } from './cyclic-log.ts';
import { answer } from './dispatch.ts';

export class ValueRegister {
  constructor(
    /** Offset of the u32 value in the area. */
    readonly at: number,
    readonly log: CyclicLog,
    /** Largest value the application holds (an issuer's limit). */
    readonly max: number,
  ) {}

  read(ctx: AppContext): number {
    return readU32be(ctx.read(this.at, 4), 0);
  }

  /**
   * Fig. 20 (193): initialise the value after a restore. The log keeps a 'reset' entry
   * whose amount is the value discarded (what an issuer might re-credit). The card has
   * no clock and the triggering command may carry no date, so the date is 0 (unknown).
   */
  reset(ctx: AppContext): void {
    const old = this.read(ctx);
    ctx.write(this.at, u32be(0));
    this.log.append(ctx, { date: 0, kind: 'reset', amount: old, after: 0 });
  }

  /** Personalisation: the opening value, logged as 'issue'. */
  issue(ctx: AppContext, value: number, date: number): void {
    ctx.write(this.at, u32be(value));
    if (value > 0) this.log.append(ctx, { date, kind: 'issue', amount: value, after: value });
  }

  /**
   * CREDIT/DEBIT/ADD/REDEEM: data = amount u32 || date u64. 6A80 for amount 0 or a bad
   * date, 6985 when the result would go below 0 or above `max`. Answers the new value.
   * `onLoad` runs inside the same atomic (the load history entry of claims 18-23).
   */
  change(cmd: CommandApdu, ctx: AppContext, kind: LogKind, sign: 1 | -1, onLoad?: (amount: number, date: number) => void): ResponseApdu {
    const d = decodeValueCommand(cmd.data);
    if (!d.ok || d.value.amount === 0) return answer(SW.WRONG_DATA);
    const { amount, date } = d.value;
    const old = this.read(ctx);
    const next = old + sign * amount;
    if (next < 0 || next > this.max) return answer(SW.CONDITIONS_NOT_SATISFIED);
    ctx.atomic(() => {
      ctx.write(this.at, u32be(next));
      this.log.append(ctx, { date, kind, amount, after: next });
      onLoad?.(amount, date);
    });
    return answer(SW.OK, u32be(next));
  }
}
