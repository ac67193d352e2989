/** Connecting, card events, reading the card, demo controls. */
import { errorCode } from '../errors.ts';
import type { ConnectedReader } from '../model.ts';
import type { DemoControls, Services } from '../services/contract.ts';
import type { SmartCardReaderRow } from '../services/smart-card.ts';
import { silentChoice, type UsbInterfaceRow } from '../services/usb-choice.ts';
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

  /** `choice`: the bridge's pairing code, or the smart-card reader's name. */
  function open(via: ConnectedReader['kind'], choice: string): Promise<ConnectedReader> {
    if (via === 'demo') return services.connectDemo();
    if (via === 'usb') return services.connectReader(choice === '' ? undefined : Number(choice));
    if (via === 'smartcard') {
      if (!services.connectSmartCard) return Promise.reject(Object.assign(new Error('this build has no Web Smart Card source'), { code: 'unavailable' }));
      return services.connectSmartCard(choice === '' ? undefined : choice);
    }
    if (!services.connectBridge) return Promise.reject(Object.assign(new Error('this build has no PC/SC bridge'), { code: 'unavailable' }));
    return services.connectBridge(choice);
  }

  async function connect(via: ConnectedReader['kind'], choice = ''): Promise<void> {
    connection.getState().dispatch({ type: 'connect', via });
    try {
      const reader = await open(via, choice);
      const present = await services.cardPresent();
      unsubscribe?.();
      unsubscribe = services.onCardEvent((e) => onEvent(e.type));
      connection.getState().dispatch({ type: 'connected', reader, cardPresent: present });
      if (present) await refreshCard();
    } catch (e) {
      const reason = (e as { reason?: unknown } | null)?.reason;
      connection.getState().dispatch(typeof reason === 'string' ? { type: 'failed', code: errorCode(e), reason } : { type: 'failed', code: errorCode(e) });
    }
  }

  /**
   * "Connect a USB reader": the browser's chooser, then, when the device has several CCID
   * interfaces the driver can use, returns them for the cardholder to choose
   * (connectUsbInterface); with one, connects to it at once and returns null.
   */
  async function pickUsbReader(): Promise<UsbInterfaceRow[] | null> {
    if (!services.pickUsbReader) {
      await connect('usb');
      return null;
    }
    connection.getState().dispatch({ type: 'connect', via: 'usb' });
    let rows: UsbInterfaceRow[];
    try {
      rows = await services.pickUsbReader();
    } catch (e) {
      connection.getState().dispatch({ type: 'failed', code: errorCode(e) });
      return null;
    }
    const silent = silentChoice(rows);
    if (silent === null) {
      connection.getState().dispatch({ type: 'disconnected' });
      return rows;
    }
    await connect('usb', silent.interfaceNumber === undefined ? '' : String(silent.interfaceNumber));
    return null;
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
    pickUsbReader,
    /** The interface the cardholder chose of the device pickUsbReader listed. */
    connectUsbInterface: (interfaceNumber: number) => connect('usb', String(interfaceNumber)),
    connectBridge: (pairingCode: string) => connect('bridge', pairingCode),
    /** Web Smart Card API: `reader` by name, or the first with a card. */
    connectSmartCard: (reader?: string) => connect('smartcard', reader ?? ''),
    /** The computer's smart-card readers; fails with the service's error (its `reason`). */
    smartCardReaders: () => (services.smartCardReaders ? services.smartCardReaders() : Promise.reject(Object.assign(new Error('this build has no Web Smart Card source'), { code: 'unavailable' }))),
    /** Follow those readers as they change until `signal` aborts; a build without the source has nothing to follow. */
    followSmartCardReaders: (onRows: (rows: SmartCardReaderRow[]) => void, signal: AbortSignal) =>
      services.followSmartCardReaders ? services.followSmartCardReaders(onRows, signal) : Promise.resolve(),
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
