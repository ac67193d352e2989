/**
 * Electronic money (fig. 21), a value application (fig. 20). AID A0000009990201.
 *
 * Area layout (256 bytes):
 *   0 layout version u8 (1)   1..3 reserved   4 balance u32 (yen)
 *   8 transaction log: last 10 entries (cyclic-log.ts)
 *
 * Balance never goes below 0 nor above 50,000 yen (a typical Japanese e-money limit).
 * CREDIT loads value and needs the PIN; it is recorded in the card's load history
 * (claims 18-23). DEBIT needs no PIN (a shop terminal spends, as with real e-money).
 */
import { u32be } from '../../protocol/bytes.ts';
import { APP_AID, INS } from '../../protocol/commands/apps/ids.ts';
import { VALUE_COMMAND_BYTES } from '../../protocol/commands/apps/value-log.ts';
import { SW } from '../../protocol/status-words.ts';
import type { CardApplication } from '../app-api.ts';
import { CyclicLog } from './cyclic-log.ts';
import { dispatch, answer, type CommandSpec } from './dispatch.ts';
import { seedNumber } from './seed.ts';
import { ValueRegister } from './value-register.ts';

export const EMONEY_MAX_BALANCE = 50_000;
export const EMONEY_LOG_CAPACITY = 10;
const LAYOUT_VERSION = 1;
const register = new ValueRegister(4, new CyclicLog(8, EMONEY_LOG_CAPACITY), EMONEY_MAX_BALANCE);
const I = INS.emoney;
const valueCmd = [VALUE_COMMAND_BYTES, VALUE_COMMAND_BYTES] as const;

const specs: readonly CommandSpec[] = [
  {
    ins: I.credit,
    lc: valueCmd,
    pin: true,
    changesValue: true,
    run: (cmd, ctx) => register.change(cmd, ctx, 'credit', 1, (amount, date) => ctx.recordLoad({ date, what: 'value-load', amount })),
  },
  { ins: I.debit, lc: valueCmd, changesValue: true, run: (cmd, ctx) => register.change(cmd, ctx, 'debit', -1) },
  { ins: I.readBalance, lc: [0, 0], run: (_cmd, ctx) => answer(SW.OK, u32be(register.read(ctx))) },
  { ins: I.readLog, lc: [0, 0], run: (_cmd, ctx) => answer(SW.OK, register.log.newestFirst(ctx)) },
];

export const emoneyApp: CardApplication = {
  aid: APP_AID.emoney,
  name: 'e-money',
  areaSize: 256,
  holdsValue: true,
  install(ctx, seed) {
    const balance = seedNumber(seed, 'emoney.balance', EMONEY_MAX_BALANCE);
    const issuedAt = seedNumber(seed, 'emoney.issuedAt', Number.MAX_SAFE_INTEGER);
    ctx.atomic(() => {
      ctx.write(0, Uint8Array.of(LAYOUT_VERSION));
      register.issue(ctx, balance, issuedAt);
    });
  },
  process: (cmd, ctx) => dispatch(cmd, ctx, specs, (c) => register.reset(c)),
};
