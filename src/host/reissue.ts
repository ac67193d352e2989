/**
 * Value back onto a replacement card (docs/issuer.md "Lost card"; the patent's
 * alternative to restoring value: the host is told, and the issuer re-issues). A restore
 * into another card starts that card's value at zero (the value is never in a backup);
 * the issuer's ledger knows what the lost card held (its loads minus the receipted
 * spends) and signs load tokens for it, bound to this card and its load counters. The
 * host only carries them: the card accepts each once, as any load.
 */
import { hex } from '../protocol/bytes.ts';
import { APP_AID } from '../protocol/commands/apps/index.ts';
import type { Transport } from '../protocol/transport.ts';
import { selectApp } from './app-read.ts';
import { command, send } from './command.ts';
import { HostError } from './errors.ts';
import { loadValue, type ValueAppKind } from './terminal.ts';

/** The issuer's answer: one load token per value application, for the card's counter + 1 (aid in hex). */
export type Reissuer = (loadCounters: Record<string, number>) => Promise<{ aid: string; amount: number; token: Uint8Array }[]>;

const VALUE_APPS: readonly { app: ValueAppKind; counters: 'e-money READ COUNTERS' | 'membership READ COUNTERS' }[] = [
  { app: 'emoney', counters: 'e-money READ COUNTERS' },
  { app: 'membership', counters: 'membership READ COUNTERS' },
];

/** Reads the load counters, asks the issuer, loads each token; answers what was loaded. */
export async function reissueValue(t: Transport, reissuer: Reissuer): Promise<{ app: ValueAppKind; amount: number }[]> {
  const counters: Record<string, number> = {};
  for (const v of VALUE_APPS) {
    await selectApp(t, v.app);
    counters[hex(APP_AID[v.app])] = (await send(t, command(v.counters))).loadCounter;
  }
  const loaded: { app: ValueAppKind; amount: number }[] = [];
  for (const r of await reissuer(counters)) {
    const v = VALUE_APPS.find((x) => hex(APP_AID[x.app]) === r.aid.toUpperCase());
    if (!v) throw new HostError('CARD_REFUSED', `the issuer re-issued value for application ${r.aid}, which this card does not hold`);
    await loadValue(t, v.app, r.amount, async () => r.token);
    loaded.push({ app: v.app, amount: r.amount });
  }
  return loaded;
}
