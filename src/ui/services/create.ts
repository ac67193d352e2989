/**
 * The real `Services`: the host flows over the CCID driver (a real WebUSB reader, or
 * demo mode's simulated USB reader holding a simulated card: the same driver code),
 * the vault in IndexedDB, and demo mode's saved cards.
 */
import type { Authorise } from '../../host/index.ts';
import type { Transport } from '../../protocol/transport.ts';
import { openReader } from '../../reader/webusb.ts';
import type { UsbLike } from '../../reader/usb-surface.ts';
import { openVault } from '../../vault/index.ts';
import type { CardInfo, ReaderInfo } from '../model.ts';
import type { DemoControls, Services } from './contract.ts';
import { issuerName, readCardInfo } from './card-read.ts';
import * as controls from './demo-controls.ts';
import { DEMO_PIN } from './demo-pin.ts';
import type { DemoWorld } from './demo-world.ts';
import { mapped, ServiceError } from './errors.ts';
import { CardLink, type CardSource } from './link.ts';
import { ccidSource, openBridgeSource } from './sources.ts';
import { checkPin, runBackup, runRestore, runVerify } from './transfers.ts';
import { connectUsbReader } from './usb.ts';
import { entryOf, VaultView } from './vault-view.ts';
import { resetVault } from './reset.ts';

export function createServices(usb: UsbLike | undefined): Services {
  let link: CardLink | null = null;
  let world: DemoWorld | null = null;
  /** Demo mode: the demo issuer names itself and signs restores onto another card. */
  let issuerLabel: (issuer: number) => string = issuerName;
  let authorise: Authorise | undefined;
  let stopUsb: (() => void) | null = null;
  let view: VaultView | null = null;
  /** The card last read in the reader. */
  let inReader: string | null = null;
  const listeners = new Set<Parameters<Services['onCardEvent']>[0]>();

  const vaultView = async () => (view ??= new VaultView(await openVault()));
  const needLink = () => {
    if (!link) throw new ServiceError('reader-lost', 'no reader is connected');
    return link;
  };

  /** Run on the card; in demo mode the card's bytes are saved before this resolves. */
  async function onCard<T>(fn: (t: Transport) => Promise<T>, what: 'restore' | 'other' = 'other'): Promise<T> {
    return mapped(async () => {
      try {
        return await needLink().withCard(fn);
      } finally {
        await world?.flush();
      }
    }, what);
  }

  /** The card whose backups the timeline shows: the one in the reader, or the one it replaces. */
  async function timelineCard(): Promise<string | null> {
    const v = await vaultView();
    if (inReader && (await v.hasBackups(inReader))) return inReader;
    if (world?.replaced && (await v.hasBackups(world.replaced))) return world.replaced;
    return inReader;
  }

  async function attach(reader: CardSource): Promise<void> {
    await link?.close();
    link = new CardLink(reader);
    link.onEvent((e) => {
      if (e.type !== 'inserted') inReader = null;
      for (const l of listeners) l(e);
    });
  }

  const demo: DemoControls = {
    spend: (amount) => onCard((t) => controls.spend(t, amount)),
    load: (amount) => onCard((t) => controls.load(t, amount)),
    addPoints: (n) => onCard((t) => controls.addPoints(t, n)),
    editRecord: (edit) => onCard((t) => controls.editRecord(t, edit)),
    issueReplacementCard: () => mapped(async () => {
      await world?.issueReplacement();
      link?.resetSession();
    }),
    loseCard: () => mapped(async () => {
      await world?.lose();
      link?.resetSession();
      inReader = null;
    }),
    resetDemo: () => mapped(async () => {
      view?.vault.close();
      view = null;
      await resetVault();
      await world?.reset();
      link?.resetSession();
      inReader = null;
    }),
  };

  return {
    connectDemo: () => mapped(async (): Promise<ReaderInfo> => {
      const demoMode = await import('./demo-mode.ts');
      world ??= await demoMode.loadDemoWorld();
      issuerLabel = demoMode.demoIssuerName;
      authorise = demoMode.demoAuthorise;
      await attach(ccidSource(await openReader(world.reader)));
      return { name: 'Demo reader', kind: 'demo' };
    }),
    connectReader: () => mapped(async (): Promise<ReaderInfo> => {
      const r = await connectUsbReader(usb, () => link?.emit({ type: 'reader-lost' }));
      stopUsb?.();
      stopUsb = r.stop;
      world = null;
      issuerLabel = issuerName;
      authorise = undefined;
      await attach(ccidSource(r.reader));
      return { name: r.name, kind: 'usb' };
    }),
    connectBridge: (pairingCode) => mapped(async (): Promise<ReaderInfo> => {
      const source = await openBridgeSource(pairingCode);
      stopUsb?.();
      stopUsb = null;
      world = null;
      issuerLabel = issuerName;
      authorise = undefined;
      await attach(source);
      return { name: source.name, kind: 'bridge' };
    }),
    disconnect: async () => {
      stopUsb?.();
      stopUsb = null;
      await link?.close().catch(() => undefined);
      link = null;
      inReader = null;
    },
    cardPresent: () => (world ? Promise.resolve(world.hasCard) : mapped(() => needLink().cardPresent())),
    onCardEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    readCard: () =>
      onCard(async (t): Promise<CardInfo> => {
        const info = await readCardInfo(t, issuerLabel);
        inReader = info.cardNumber;
        return info;
      }),
    verifyPin: (pin) => onCard(async (t) => checkPin(t, pin, 3)),

    backup: (o) => onCard(async (t) => {
      const v = await vaultView();
      try {
        return await runBackup(t, v.vault, o);
      } finally {
        v.invalidate();
      }
    }),
    restore: async (o) => {
      const v = await vaultView();
      const source = await timelineCard();
      if (!source) throw new ServiceError('vault-failed', 'no backups to restore from');
      return onCard((t) => runRestore(t, v.vault, source, o, authorise), 'restore');
    },

    timelineCount: async () => (await (await vaultView()).entries(await timelineCard())).length,
    timeline: async (offset, limit) => {
      const v = await vaultView();
      return (await v.entries(await timelineCard())).slice(offset, offset + limit).map((e) => entryOf(e, v.damaged));
    },

    vaultStatus: () => mapped(async () => (await vaultView()).status()),
    verifyVault: (deep) =>
      mapped(async () => {
        const v = await vaultView();
        // Deep verify needs the PIN: demo mode's card has the demo PIN; a real card is checked structurally here.
        const report = deep && world?.hasCard ? await onCard((t) => runVerify(v.vault, { transport: t, pin: DEMO_PIN })) : await runVerify(v.vault, null);
        v.damaged = new Set(report.problems.map((p) => p.seq));
        v.invalidate();
        return report;
      }),
    retention: (policy, dryRun) => mapped(async () => (await vaultView()).retention(policy, dryRun)),
    exportVault: () => mapped(async () => (await vaultView()).exportFile()),
    importVault: (file) => mapped(async () => (await vaultView()).importFile(file)),

    demo: () => (world && link ? demo : null),
  };
}
