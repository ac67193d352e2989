/** Everything the views can do, built over one `Services` and the stores. */
import type { Services } from '../services/contract.ts';
import type { Stores } from '../state/stores.ts';
import { cardActions } from './card.ts';
import { issuerActions } from './issuer.ts';
import { timelineActions } from './timeline.ts';
import { transferActions } from './transfer.ts';
import { vaultActions } from './vault.ts';

export function createActions(services: Services, stores: Stores) {
  const timeline = timelineActions(services, stores);
  // After anything that changes the card or the vault: re-read what the views show.
  const afterChange = async () => {
    if (stores.connection.getState().state.status === 'card-present') await card.refreshCard();
    else await Promise.all([timeline.reload(), vault.refreshStatus()]);
  };
  const vault = vaultActions(services, stores, afterChange, (purpose, run, onError) => transfer.withPinDialog(purpose, run, onError));
  const issuer = issuerActions(services, stores, () => Promise.all([timeline.reload(), vault.refreshStatus()]).then(() => undefined));
  const card = cardActions(services, stores, async (newCard) => {
    await Promise.all([timeline.reload(!newCard), vault.refreshStatus()]);
    // A card read for the first time proves itself to its issuer (when the build names one).
    if (newCard && stores.card.getState().card) void issuer.link();
  });
  const transfer = transferActions(services, stores, afterChange);
  return { card, timeline, transfer, vault, issuer };
}

export type Actions = ReturnType<typeof createActions>;
