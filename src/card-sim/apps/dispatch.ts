/**
 * One command path for every application, so the order of checks is the same
 * everywhere and written once:
 *
 *   CLA -> INS -> P1/P2 -> length         (6E00, 6D00, 6A86, 6700: nothing changes)
 *   -> value reset after a restore        (value apps only; fig. 20, 191-196)
 *   -> PIN                                 (6982)
 *   -> the command itself                  (its own checks, then its writes)
 *
 * The value reset comes before the PIN check and before anything reads value: the
 * patent (fig. 20) has the application initialise its value before it handles value,
 * and lowering a value to zero needs no authorisation. It comes after the shape
 * checks so a malformed command still changes nothing (DESIGN.md) and the flag waits
 * for the next well-formed command.
 */
import type { CommandApdu, ResponseApdu } from '../../protocol/apdu.ts';
import { APP_CLA } from '../../protocol/commands/apps/ids.ts';
import { SW } from '../../protocol/status-words.ts';
import type { AppContext } from '../app-api.ts';

export interface CommandSpec {
  readonly ins: number;
  /** Allowed data length, inclusive. */
  readonly lc: readonly [number, number];
  /** Accepted P1/P2 (default: both 00). */
  readonly params?: (p1: number, p2: number) => boolean;
  /** Needs the cardholder PIN verified in this session. */
  readonly pin?: boolean;
  /**
   * Changes value. When such a command is the one that triggers the value reset it is
   * not executed: the host chose its amount against a value that no longer exists.
   */
  readonly changesValue?: boolean;
  run(cmd: CommandApdu, ctx: AppContext): ResponseApdu;
}

export const answer = (sw: number, data: Uint8Array = new Uint8Array(0)): ResponseApdu => ({ data, sw });

const noParams = (p1: number, p2: number) => p1 === 0 && p2 === 0;

/**
 * @param resetValue for value applications: set the value to its initial state and log
 *   it. Called inside one `ctx.atomic`; the flag is cleared only after it landed, so a
 *   power cut in between repeats the (idempotent) reset instead of skipping it.
 */
export function dispatch(cmd: CommandApdu, ctx: AppContext, specs: readonly CommandSpec[], resetValue?: (ctx: AppContext) => void): ResponseApdu {
  if (cmd.cla !== APP_CLA) return answer(SW.CLA_NOT_SUPPORTED);
  const spec = specs.find((s) => s.ins === cmd.ins);
  if (!spec) return answer(SW.INS_NOT_SUPPORTED);
  if (!(spec.params ?? noParams)(cmd.p1, cmd.p2)) return answer(SW.INCORRECT_P1P2);
  if (cmd.data.length < spec.lc[0] || cmd.data.length > spec.lc[1]) return answer(SW.WRONG_LENGTH);

  let wasReset = false;
  if (resetValue && ctx.wasRestored()) {
    ctx.atomic(() => resetValue(ctx));
    ctx.clearRestored();
    wasReset = true;
    if (spec.changesValue) return answer(SW.VALUE_RESET);
  }
  if (spec.pin && !ctx.pinVerified()) return answer(SW.SECURITY_NOT_SATISFIED);
  const r = spec.run(cmd, ctx);
  // 6283 replaces the status of the command that triggered the reset, so the host
  // always learns of it; data only comes with it when the command itself succeeded.
  if (wasReset) return answer(SW.VALUE_RESET, r.sw === SW.OK ? r.data : undefined);
  return r;
}
