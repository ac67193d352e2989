/**
 * One command path for every application, so the order of checks is the same
 * everywhere and written once:
 *
 *   CLA -> INS -> P1/P2 -> length         (6E00, 6D00, 6A86, 6700: nothing changes)
 *   -> restore noted                      (value apps only; figs. 6, 20: the card-AP link)
 *   -> PIN                                 (6982)
 *   -> the command itself                  (its own checks, then its writes)
 *
 * Version 2: a value application's value lives outside the backed-up memory, so a
 * restore does not touch it; the restore-executed flag (set by RESTORE COMPLETE, fig. 19
 * 181 / fig. 18 174) still reaches the application, which logs a 'restore' entry saying
 * the value was kept, clears the flag, and runs the command as usual. It comes after the
 * shape checks so a malformed command still changes nothing (DESIGN.md) and the flag
 * waits for the next well-formed command.
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
  run(cmd: CommandApdu, ctx: AppContext): ResponseApdu;
}

export const answer = (sw: number, data: Uint8Array = new Uint8Array(0)): ResponseApdu => ({ data, sw });

const noParams = (p1: number, p2: number) => p1 === 0 && p2 === 0;

/**
 * @param onRestored for value applications: log the restore (value kept); true when it
 *   did. Runs in the command's atomic group with the flag's clearing, so a power cut
 *   leaves the flag set and no entry, or the entry and the flag clear.
 */
export function dispatch(cmd: CommandApdu, ctx: AppContext, specs: readonly CommandSpec[], onRestored?: (ctx: AppContext) => boolean): ResponseApdu {
  if (cmd.cla !== APP_CLA) return answer(SW.CLA_NOT_SUPPORTED);
  const spec = specs.find((s) => s.ins === cmd.ins);
  if (!spec) return answer(SW.INS_NOT_SUPPORTED);
  if (!(spec.params ?? noParams)(cmd.p1, cmd.p2)) return answer(SW.INCORRECT_P1P2);
  if (cmd.data.length < spec.lc[0] || cmd.data.length > spec.lc[1]) return answer(SW.WRONG_LENGTH);
  if (onRestored && ctx.wasRestored()) {
    ctx.atomic(() => {
      if (onRestored(ctx)) ctx.clearRestored();
    });
  }
  if (spec.pin && !ctx.pinVerified()) return answer(SW.SECURITY_NOT_SATISFIED);
  return spec.run(cmd, ctx);
}
