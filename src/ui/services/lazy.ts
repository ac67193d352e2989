/**
 * The real services, loaded when first used: the start screen renders from the app's
 * own code alone, and the host, vault, reader and protocol code (most of the bytes)
 * arrive with the first click (bench/entries/app.ts measures the initial JavaScript).
 */
import type { UsbLike } from '../../reader/usb-surface.ts';
import type { CardEvent, IssuerSyncState } from '../model.ts';
import type { Services } from './contract.ts';

export function lazyServices(usb: UsbLike | undefined): Services {
  let loaded: Services | null = null;
  let loading: Promise<Services> | null = null;
  const listeners = new Set<(e: CardEvent) => void>();
  const issuerListeners = new Set<(s: IssuerSyncState) => void>();
  const load = (): Promise<Services> =>
    (loading ??= import('./create.ts').then(({ createServices }) => {
      const s = createServices(usb);
      s.onCardEvent((e) => {
        for (const l of listeners) l(e);
      });
      s.onIssuerState?.((st) => {
        for (const l of issuerListeners) l(st);
      });
      loaded = s;
      return s;
    }));
  const call =
    <K extends keyof Services>(name: K) =>
    async (...args: unknown[]): Promise<unknown> => {
      const s = await load();
      const fn = s[name] as unknown as (...a: unknown[]) => Promise<unknown>;
      return fn(...args);
    };
  return {
    connectDemo: call('connectDemo') as Services['connectDemo'],
    connectReader: call('connectReader') as Services['connectReader'],
    pickUsbReader: call('pickUsbReader') as NonNullable<Services['pickUsbReader']>,
    connectBridge: call('connectBridge') as NonNullable<Services['connectBridge']>,
    smartCardReaders: call('smartCardReaders') as NonNullable<Services['smartCardReaders']>,
    followSmartCardReaders: call('followSmartCardReaders') as NonNullable<Services['followSmartCardReaders']>,
    connectSmartCard: call('connectSmartCard') as NonNullable<Services['connectSmartCard']>,
    disconnect: call('disconnect') as Services['disconnect'],
    cardPresent: call('cardPresent') as Services['cardPresent'],
    onCardEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    readCard: call('readCard') as Services['readCard'],
    backup: call('backup') as Services['backup'],
    previewRestore: call('previewRestore') as Services['previewRestore'],
    restore: call('restore') as Services['restore'],
    vaultCards: call('vaultCards') as Services['vaultCards'],
    defaultTimelineCard: call('defaultTimelineCard') as Services['defaultTimelineCard'],
    timelineCount: call('timelineCount') as Services['timelineCount'],
    timeline: call('timeline') as Services['timeline'],
    nameBackup: call('nameBackup') as Services['nameBackup'],
    vaultStatus: call('vaultStatus') as Services['vaultStatus'],
    storageHealth: call('storageHealth') as Services['storageHealth'],
    keepStorage: call('keepStorage') as Services['keepStorage'],
    verifyVault: call('verifyVault') as Services['verifyVault'],
    retentionPlan: call('retentionPlan') as Services['retentionPlan'],
    removeBackups: call('removeBackups') as Services['removeBackups'],
    exportVault: call('exportVault') as Services['exportVault'],
    importVault: call('importVault') as Services['importVault'],
    demo: () => loaded?.demo() ?? null,
    issuerLink: call('issuerLink') as NonNullable<Services['issuerLink']>,
    onIssuerState: (listener) => {
      issuerListeners.add(listener);
      return () => issuerListeners.delete(listener);
    },
    reportLost: call('reportLost') as NonNullable<Services['reportLost']>,
  };
}
