/**
 * The commands both value applications (e-money, membership) share, as dispatch specs:
 * load by token, spend with receipt, READ COUNTERS, READ LOG
 * (src/protocol/commands/apps/value-commands.ts). The value itself is the OS's
 * (AppContext.value, value-access.ts): these only decode the command and pass it on.
 */
import { decodeLoadCommand, decodeSpendCommand, encodeCounters, LOAD_COMMAND_BYTES, SPEND_COMMAND_BYTES } from '../../protocol/commands/apps/value-commands.ts';
import { SW } from '../../protocol/status-words.ts';
import type { AppContext, LoadWhat } from '../app-api.ts';
import { answer, type CommandSpec } from './dispatch.ts';

export const valueOf = (ctx: AppContext): number => ctx.value.counters().value;

/** CREDIT / ADD POINTS: date u64 ‖ load token. No PIN: the issuer's signature is the authority. */
export const loadSpec = (ins: number, max: number, what: LoadWhat): CommandSpec => ({
  ins,
  lc: LOAD_COMMAND_BYTES,
  run(cmd, ctx) {
    const d = decodeLoadCommand(cmd.data);
    if (!d.ok) return answer(SW.WRONG_DATA);
    return ctx.value.load(d.value.token, d.value.date, { max, what });
  },
});

/** DEBIT / REDEEM: amount u32 ‖ date u64 ‖ challenge (0-32) -> receipt. */
export const spendSpec = (ins: number, pin: boolean): CommandSpec => ({
  ins,
  lc: SPEND_COMMAND_BYTES,
  pin,
  run(cmd, ctx) {
    const d = decodeSpendCommand(cmd.data);
    if (!d.ok) return answer(SW.WRONG_DATA);
    return ctx.value.spend(d.value.amount, d.value.date, d.value.challenge);
  },
});

export const countersSpec = (ins: number): CommandSpec => ({ ins, lc: [0, 0], run: (_cmd, ctx) => answer(SW.OK, encodeCounters(ctx.value.counters())) });

export const logSpec = (ins: number): CommandSpec => ({ ins, lc: [0, 0], run: (_cmd, ctx) => answer(SW.OK, ctx.value.log()) });
