/**
 * Electronic money (fig. 21), a value application (fig. 20). AID A0000009990201.
 *
 * Version 2: the balance, its load and spend counters and the value log are the card
 * OS's (AppContext.value, kept outside the backed-up memory), so a restore never changes
 * them. The application's own area (256 bytes, backed up) holds only its layout version
 * (2) at byte 0.
 *
 * Balance 0..50,000 yen (a typical Japanese e-money limit). CREDIT takes an
 * issuer-signed load token (no PIN: the token is the authority) and is recorded in the
 * card's load history (claims 18-23). DEBIT needs no PIN (a shop terminal spends, as with
 * real e-money) and answers a card-signed receipt.
 */
import { u32be } from '../../protocol/bytes.ts';
import { APP_AID, INS } from '../../protocol/commands/apps/ids.ts';
import { SW } from '../../protocol/status-words.ts';
import type { CardApplication } from '../app-api.ts';
import { dispatch, answer, type CommandSpec } from './dispatch.ts';
import { countersSpec, loadSpec, logSpec, spendSpec, valueOf } from './value-register.ts';

export const EMONEY_MAX_BALANCE = 50_000;
const LAYOUT_VERSION = 2;
const I = INS.emoney;

const specs: readonly CommandSpec[] = [
  loadSpec(I.credit, EMONEY_MAX_BALANCE, 'value-load'),
  spendSpec(I.debit, false),
  { ins: I.readBalance, lc: [0, 0], run: (_cmd, ctx) => answer(SW.OK, u32be(valueOf(ctx))) },
  logSpec(I.readLog),
  countersSpec(I.readCounters),
];

export const emoneyApp: CardApplication = {
  aid: APP_AID.emoney,
  name: 'e-money',
  areaSize: 256,
  holdsValue: true,
  install(ctx) {
    // Value starts at zero: it enters only by load tokens, never by personalisation data.
    ctx.write(0, Uint8Array.of(LAYOUT_VERSION));
  },
  process: (cmd, ctx) => dispatch(cmd, ctx, specs, (c) => c.value.noteRestore()),
};
