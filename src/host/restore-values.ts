/**
 * Value after a restore (version 2, docs/trust.md "Value"). The value of e-money and
 * membership lives outside the backed-up memory, so a restore leaves it exactly as it
 * was: a same-card restore keeps the balance, a restore into another card leaves that
 * card's own value (zero for a new card; the issuer re-issues the lost card's balance by
 * load token). The card-AP link (figs. 6, 20) still tells each restored value application
 * it was restored: on its first command it logs a 'restore' entry (amount 0, the value it
 * kept). The restore operation sends that first command itself (READ LOG), so the entry is
 * written as part of the restore and the result can say what the card kept.
 */
import type { ApTableEntryInfo } from '../protocol/commands/index.ts';
import type { Transport } from '../protocol/transport.ts';
import { kindOfAid, selectApp, unitOf, type AppKind, type AppValue } from './app-read.ts';
import { command, send } from './command.ts';

export interface SettledApp {
  kind: AppKind;
  /** A value application told of the restore (it logged a 'restore' entry). */
  restoreNoted: boolean;
  /** The value the application kept through the restore (its 'restore' entry's value after); null for data applications. */
  kept: AppValue | null;
}

export async function settleValues(t: Transport, table: readonly ApTableEntryInfo[]): Promise<SettledApp[]> {
  const out: SettledApp[] = [];
  for (const e of table) {
    const kind = kindOfAid(e.aid);
    if (!kind) continue;
    if (!e.holdsValue || !e.restoreExecuted) {
      out.push({ kind, restoreNoted: false, kept: null });
      continue;
    }
    await selectApp(t, kind);
    const log = await send(t, command(kind === 'membership' ? 'membership READ LOG' : 'e-money READ LOG'));
    const noted = log[0]?.kind === 'restore' ? log[0] : undefined;
    out.push({ kind, restoreNoted: noted !== undefined, kept: noted ? { amount: noted.after, unit: unitOf(kind) } : null });
  }
  return out;
}
