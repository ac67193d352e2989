/**
 * Settle backups the vault holds unconfirmed (BACKUP COMPLETE's outcome was never
 * learnt: tab closed, reader pulled) against what the card says. The card's chain head
 * is the hash of the newest backup it completed: a match is confirmed, anything else
 * the card never completed is discarded. Runs under the card's lock.
 */
import { hex } from '../protocol/bytes.ts';
import type { BackupStatus } from '../protocol/commands/index.ts';
import type { Vault } from '../vault/index.ts';

export async function reconcile(vault: Vault, card: string, status: BackupStatus): Promise<{ confirmed: number[]; discarded: number[] }> {
  const out = { confirmed: [] as number[], discarded: [] as number[] };
  const head = hex(status.chainHead).toLowerCase();
  // Unconfirmed backups can only sit above the newest confirmed one: every flow reconciles first.
  for (let row = await vault.latest(card, { includeUnconfirmed: true }); row && !row.confirmed; row = await vault.latest(card, { includeUnconfirmed: true })) {
    if (row.headerHash.toLowerCase() === head) {
      await vault.confirmBackup(card, row.seq);
      out.confirmed.push(row.seq);
    } else {
      await vault.discardBackup(card, row.seq);
      out.discarded.push(row.seq);
    }
  }
  return out;
}
