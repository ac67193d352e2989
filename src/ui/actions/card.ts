/** Connecting, card events, reading the card, demo controls. */
import { errorCode } from '../errors.ts';
import type { ConnectedReader } from '../model.ts';
import type { DemoControls, Services } from '../services/contract.ts';
import type { Stores } from '../state/stores.ts';

/** `onCardChanged(newCard)`: newCard when a different card (or none) is now in the reader. */
export function cardActions(services: Services, stores: Stores, onCardChanged: (newCard: boolean) => Promise<void>) {
  const { connection, card } = stores;
  let unsubscribe: (() => void) | null = null;

  async function refreshCard(): Promise<void> {
    const before = card.getState().card?.cardNumber ?? null;
    card.setState({ loading: true, error: null });
    try {
      card.setState({ card: await services.readCard(), loading: false });
    } catch (e) {
      card.setState({ loading: false, error: errorCode(e) });
    }
    await onCardChanged((card.getState().card?.cardNumber ?? null) !== before);
  }

  function onEvent(type: 'inserted' | 'removed' | 'reader-lost') {
    connection.getState().dispatch({ type: type === 'inserted' ? 'card-inserted' : type === 'removed' ? 'card-removed' : 'reader-lost' });
    if (type === 'inserted') void refreshCard();
    else card.setState({ card: null });
  }

  function open(via: ConnectedReader['kind'], pairingCode: string): Promise<ConnectedReader> {
    if (via === 'demo') return services.connectDemo();
    if (via === 'usb') return services.connectReader();
    if (!services.connectBridge) return Promise.reject(Object.assign(new Error('this build has no PC/SC bridge'), { code: 'unavailable' }));
    return services.connectBridge(pairingCode);
  }

  async function connect(via: ConnectedReader['kind'], pairingCode = ''): Promise<void> {
    connection.getState().dispatch({ type: 'connect', via });
    try {
      const reader = await open(via, pairingCode);
      const present = await services.cardPresent();
      unsubscribe?.();
      unsubscribe = services.onCardEvent((e) => onEvent(e.type));
      connection.getState().dispatch({ type: 'connected', reader, cardPresent: present });
      if (present) await refreshCard();
    } catch (e) {
      connection.getState().dispatch({ type: 'failed', code: errorCode(e) });
    }
  }

  async function disconnect(): Promise<void> {
    unsubscribe?.();
    unsubscribe = null;
    try {
      await services.disconnect();
    } finally {
      connection.getState().dispatch({ type: 'disconnected' });
      card.setState({ card: null, error: null });
    }
  }

  /** Runs one demo control, then re-reads the card so the memory map shows the change. */
  async function demo(name: string, run: (d: DemoControls) => Promise<void>): Promise<void> {
    const d = services.demo();
    if (!d || card.getState().busyAction) return;
    card.setState({ busyAction: name, error: null });
    try {
      await run(d);
      card.setState({ busyAction: null });
      if (await services.cardPresent()) await refreshCard();
      else card.setState({ card: null });
    } catch (e) {
      card.setState({ busyAction: null, error: errorCode(e) });
    }
  }

  return {
    connectDemo: () => connect('demo'),
    connectReader: () => connect('usb'),
    connectBridge: (pairingCode: string) => connect('bridge', pairingCode),
    disconnect,
    refreshCard,
    spend: (amount: number) => demo('spend', (d) => d.spend(amount)),
    load: (amount: number) => demo('load', (d) => d.load(amount)),
    addPoints: (n: number) => demo('points', (d) => d.addPoints(n)),
    editRecord: (field: string, value: string) => demo('record', (d) => d.editRecord({ app: 'medical', field, value })),
    issueReplacementCard: (fromIssuer?: { lostCard: string; recoveryCode: string }) => demo('replace', (d) => d.issueReplacementCard(fromIssuer)),
    loseCard: () => demo('lose', (d) => d.loseCard()),
    resetDemo: () => demo('reset', (d) => d.resetDemo()),
  };
}
