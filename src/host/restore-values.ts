/**
 * Fig. 20 after a restore: each value application that was restored sets its value to
 * zero on the first command it gets and logs the amount it discarded. The restore
 * operation sends that first command itself (READ LOG), so the reset happens as part of
 * the restore, never as a side effect of whoever reads the card next, and the result
 * can say exactly what was discarded.
 */
import type { ApTableEntryInfo } from '../protocol/commands/index.ts';
import type { Transport } from '../protocol/transport.ts';
import { kindOfAid, selectApp, unitOf, type AppKind, type AppValue } from './app-read.ts';
import { command, send } from './command.ts';

export interface SettledApp {
  kind: AppKind;
  /** The application reset its value (fig. 20). */
  valueReset: boolean;
  /** The value restored from the backup and discarded by the reset (its newest 'reset' log entry). */
  discarded: AppValue | null;
}

export async function settleValues(t: Transport, table: readonly ApTableEntryInfo[]): Promise<SettledApp[]> {
  const out: SettledApp[] = [];
  for (const e of table) {
    const kind = kindOfAid(e.aid);
    if (!kind) continue;
    if (!e.holdsValue || !e.restoreExecuted) {
      out.push({ kind, valueReset: false, discarded: null });
      continue;
    }
    await selectApp(t, kind);
    const log = await send(t, command(kind === 'membership' ? 'membership READ LOG' : 'e-money READ LOG'));
    const reset = log.value.find((x) => x.kind === 'reset');
    out.push({ kind, valueReset: true, discarded: reset ? { amount: reset.amount, unit: unitOf(kind) } : null });
  }
  return out;
}
