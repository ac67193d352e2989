/**
 * The real `Services`: host operations over the card link (a real WebUSB reader, demo
 * mode's simulated USB reader holding a simulated card: the same driver code, or a
 * reader of the PC/SC bridge), the vault in IndexedDB, and demo mode's saved cards.
 * What is connected is one ReaderSession (src/reader/session.ts), changed only through
 * its reducer, so a new connection always lets go of everything the old one held.
 */
import type { RestoreAuthority } from '../../host/index.ts';
import type { Reissuer } from '../../host/reissue.ts';
import type { RestoreTarget } from '../model.ts';
import { readCard } from '../../host/card-read.ts';
import * as terminal from '../../host/terminal.ts';
import type { Transport } from '../../host/surface.ts';
import { noSession, released, sessionReducer, type ReaderSession, type SessionEvent } from '../../reader/session.ts';
import { openReader } from '../../reader/webusb.ts';
import type { UsbLike } from '../../reader/usb-surface.ts';
import { openVault, requestPersistence } from '../../vault/index.ts';
import type { BackupEntry, CardInfo, ConnectedReader, VaultCard } from '../model.ts';
import { parseIssuerRoot } from './issuer-root.ts';
import type { TimelineEntry as VaultEntry } from '../../vault/index.ts';
import type { DemoControls, Services } from './contract.ts';
import { DEMO_PIN } from './demo-pin.ts';
import type { DemoWorld } from './demo-world.ts';
import type * as DemoModeModule from './demo-mode.ts';
import { mapped, ServiceError } from './errors.ts';
import { issuerId } from './issuer-name.ts';
import { ReaderLink, type CardSource } from '../../reader/session-link.ts';
import { BackupNotes, memoryKeyValue, type KeyValue } from './notes.ts';
import { previewRestore } from './preview.ts';
import { ccidSource } from '../../reader/session-sources.ts';
import { openKeptBridge } from './bridge-connect.ts';
import { appBridgeSettings } from './bridge-settings.ts';
import { followSmartCardReaders, openSmartCard, smartCardReaders } from './smart-card.ts';
import { demoProtocolOptions } from './demo-protocols.ts';
import { runBackup, runRestore, runVerify } from './transfers.ts';
import { connectUsbReader, pickUsbDevice, type PickedUsbDevice } from '../../reader/session-usb.ts';
import { interfaceRows } from './usb-choice.ts';
import { entryOf, VaultView } from './vault-view.ts';
import { resetVault } from './reset.ts';
import { issuerServices, type IssuerServices } from './issuer-services.ts';

type DemoMode = typeof DemoModeModule;

export interface ServicesOptions {
  /** Where backup notes live (default: localStorage, or memory where there is none). */
  notes?: KeyValue;
  /** The card issuer's service (default: the build's VITE_ISSUER_URL; none: no off-device copy). */
  issuerUrl?: string | null;
  /** The issuer root cards in a real reader are checked up to (default: the build's VITE_ISSUER_ROOT; null: none pinned). */
  issuerRoot?: Uint8Array | null;
}

export function createServices(usb: UsbLike | undefined, options: ServicesOptions = {}): Services {
  let session: ReaderSession<ReaderLink, DemoWorld> = noSession();
  let demoMode: DemoMode | null = null;
  /** The USB device chosen in the browser's chooser, until connectReader opens it. */
  let picked: PickedUsbDevice | null = null;
  let view: VaultView | null = null;
  const pinnedRoot = options.issuerRoot === undefined ? parseIssuerRoot(import.meta.env['VITE_ISSUER_ROOT'] as string | undefined) : options.issuerRoot;
  const notes = new BackupNotes(options.notes ?? (typeof localStorage === 'undefined' ? memoryKeyValue() : localStorage));
  const listeners = new Set<Parameters<Services['onCardEvent']>[0]>();

  /** Every change of what is connected goes through here; what the old session held is let go. */
  async function dispatch(e: SessionEvent<ReaderLink, DemoWorld>): Promise<void> {
    const prev = session;
    session = sessionReducer(prev, e);
    const gone = released(prev, session);
    gone.stopWatching?.();
    await gone.link?.close().catch(() => undefined);
  }

  const vaultView = async () => (view ??= new VaultView(await openVault()));
  const world = () => (session.kind === 'demo' ? session.world : null);
  const needLink = () => {
    if (session.kind === 'none') throw new ServiceError('reader-lost', 'no reader is connected');
    return session.link;
  };
  const issuerOf = (issuer: number) => ({ id: issuerId(issuer), name: session.issuer.kind === 'demo' && demoMode ? demoMode.demoIssuerName(issuer) : null });
  /**
   * Who authorises a restore onto another card, and re-issues value after it: the issuer's
   * service for a card it personalised as a replacement (it says so when the card proves
   * itself), else the demo issuer in demo mode. The service session is made here, before
   * the restore holds the card (the card signs the service's challenge).
   */
  /** The issuer's service personalised the card in the reader as a replacement (it said so when the card proved itself). */
  const serviceReplacement = (card: string | null): card is string => issuer !== null && card !== null && issuerSaysReplaces?.card === card;
  const restoreIssuer = async (target: RestoreTarget): Promise<{ authority?: RestoreAuthority; reissuer?: Reissuer }> => {
    if (target !== 'other') return {};
    const card = inReader();
    if (issuer && serviceReplacement(card)) {
      return { authority: await issuer.restoreAuthority(card), reissuer: (counters) => issuer.reissue(card, counters) };
    }
    return session.issuer.kind === 'demo' && demoMode ? { authority: demoMode.demoAuthority } : {};
  };
  const canAuthorise = () => (session.issuer.kind === 'demo' && demoMode !== null) || serviceReplacement(inReader());
  const inReader = () => (session.kind === 'none' ? null : session.cardInReader);
  /** The card the one in the reader replaces: the demo's session says so, or the issuer did when the card proved itself. */
  let issuerSaysReplaces: { card: string; replaces: string } | null = null;
  const replaced = () => {
    if (session.kind === 'none') return null;
    if (session.replaces) return session.replaces;
    return issuerSaysReplaces && issuerSaysReplaces.card === session.cardInReader ? issuerSaysReplaces.replaces : null;
  };
  // The off-device copy (docs/issuer.md): null when this build names no issuer.
  const issuer: IssuerServices | null = issuerServices(options.issuerUrl === undefined ? (import.meta.env['VITE_ISSUER_URL'] as string | undefined) ?? null : options.issuerUrl, {
    vault: async () => (await vaultView()).vault,
    changed: () => view?.invalidate(),
    withCard: (fn) => onCard(fn),
    inReader,
  });

  /** Run on the card; in demo mode the card's bytes are saved before this resolves. */
  async function onCard<T>(fn: (t: Transport) => Promise<T>, what: 'restore' | 'other' = 'other'): Promise<T> {
    return mapped(async () => {
      try {
        return await needLink().withCard(fn);
      } finally {
        await world()?.flush();
      }
    }, what);
  }

  /**
   * A card's timeline, newest first: this vault's backups and, when the build names an
   * issuer, the ones only the issuer still holds (e.g. cleaned up on this device).
   */
  async function timelineRows(card: string): Promise<(VaultEntry | BackupEntry)[]> {
    const here = await (await vaultView()).entries(card);
    if (!issuer) return here;
    const only = await issuer.issuerOnly(card, new Set(here.map((e) => e.seq)));
    if (only.length === 0) return here;
    return [...here, ...only].sort((a, b) => b.seq - a.seq);
  }

  /** The card whose backups fit the card in the reader: itself, or (demo) the card it replaces. */
  async function defaultTimelineCard(): Promise<string | null> {
    const v = await vaultView();
    const card = inReader();
    if (card && (await v.hasBackups(card))) return card;
    const old = replaced();
    if (old && (await v.hasBackups(old))) return old;
    return card;
  }

  async function open(via: ConnectedReader['kind'], name: string, source: CardSource, extra: { world?: DemoWorld; stopWatching?: () => void }): Promise<ConnectedReader> {
    const link = new ReaderLink(source);
    link.onEvent((e) => {
      if (e.type !== 'inserted') void dispatch({ type: 'card-gone' });
      for (const l of listeners) l(e);
    });
    await dispatch({ type: 'opened', via, readerName: name, handles: { link, ...extra } });
    return { name, kind: via };
  }

  /**
   * Version 2: a load needs the issuer's load token: from the issuer's service when the
   * build names one (its ledger then knows the load, and re-issues it after a loss), else
   * the demo world's issuer signs it.
   */
  const demoTokens = async (): Promise<terminal.TokenSource> => {
    const card = inReader();
    if (issuer && card) return mapped(() => issuer.loadTokens(card));
    const w = world();
    if (!w) throw new ServiceError('card-refused', 'a load needs a load token from the card issuer');
    return (r) => w.loadToken(r);
  };

  const demo: DemoControls = {
    spend: async (amount) => {
      // The demo's "use the card" is a terminal: it asks the issuer first (a stop-listed card is refused).
      const card = inReader();
      if (card && issuer) await mapped(() => issuer.terminalCheck(card));
      const receipt = await onCard((t) => terminal.spend(t, amount));
      // The terminal hands the card-signed receipt to the issuer's ledger (best effort: an
      // unreachable issuer stops no spend; the receipt is the card's proof either way).
      if (card && issuer) await issuer.handInReceipt(card, receipt).catch(() => undefined);
    },
    load: async (amount) => {
      const tokens = await demoTokens();
      await onCard((t) => terminal.load(t, amount, tokens));
    },
    addPoints: async (n) => {
      const tokens = await demoTokens();
      await onCard((t) => terminal.addPoints(t, n, tokens));
    },
    editRecord: (edit) =>
      onCard((t) => {
        if (edit.app !== 'medical' || edit.field !== 'allergy') throw new ServiceError('card-refused', `the demo edits medical allergy records, not ${edit.app}.${edit.field}`);
        return terminal.addAllergyRecord(t, edit.value, DEMO_PIN);
      }),
    issueReplacementCard: (fromIssuer) =>
      mapped(async () => {
        const w = world();
        if (fromIssuer && !issuer) throw new ServiceError('unavailable', 'this build names no card issuer to personalise the replacement');
        await w?.issueReplacement(fromIssuer && issuer ? issuer.personaliser(fromIssuer.lostCard, fromIssuer.recoveryCode, DEMO_PIN) : undefined);
        if (session.kind !== 'none') session.link.resetSession();
        await dispatch({ type: 'card-replaced', replaces: w?.replaced ?? null });
      }),
    loseCard: () =>
      mapped(async () => {
        await world()?.lose();
        if (session.kind !== 'none') session.link.resetSession();
        await dispatch({ type: 'card-gone' });
      }),
    resetDemo: () =>
      mapped(async () => {
        const cards = view ? (await view.vault.listCards()).map((c) => c.cardNumber) : [];
        notes.clear(cards);
        view?.vault.close();
        view = null;
        await resetVault();
        await world()?.reset();
        if (session.kind !== 'none') session.link.resetSession();
        await dispatch({ type: 'card-gone' });
      }),
  };

  return {
    connectDemo: () =>
      mapped(async (): Promise<ConnectedReader> => {
        demoMode ??= await import('./demo-mode.ts');
        const w = session.kind === 'demo' && session.world ? session.world : await demoMode.loadDemoWorld({ ...(issuer ? { opening: (t) => issuer.loadTokensVia(t) } : {}), ...demoProtocolOptions() });
        const info = await open('demo', 'Demo reader', ccidSource(await openReader(w.reader)), { world: w });
        // The demo remembers a lost card across reloads: the session says which card this one replaces.
        if (w.replaced) await dispatch({ type: 'card-replaced', replaces: w.replaced });
        return info;
      }),
    pickUsbReader: () =>
      mapped(async () => {
        picked = null;
        picked = await pickUsbDevice(usb);
        return interfaceRows(picked.interfaces);
      }),
    connectReader: (interfaceNumber) =>
      mapped(async (): Promise<ConnectedReader> => {
        let link: ReaderLink | null = null;
        // The device pickUsbReader kept, at the interface the cardholder chose (issue 13).
        const chosen = picked ? { device: picked.device, ...(interfaceNumber !== undefined ? { interfaceNumber } : {}) } : undefined;
        picked = null;
        const r = await connectUsbReader(usb, () => link?.emit({ type: 'reader-lost' }), chosen);
        const info = await open('usb', r.name, ccidSource(r.reader), { stopWatching: r.stop });
        link = session.kind === 'usb' ? session.link : null;
        return info;
      }),
    connectBridge: (pairingCode) =>
      mapped(async (): Promise<ConnectedReader> => {
        // The port and the remembered pairing the cardholder chose (bridge-settings.ts, issue 13); '' : the kept token alone.
        const source = await openKeptBridge(appBridgeSettings(), pairingCode);
        return open('bridge', source.name, source, {});
      }),
    smartCardReaders: () => smartCardReaders(),
    followSmartCardReaders: (onRows, signal) => followSmartCardReaders(onRows, signal),
    connectSmartCard: async (reader) => {
      // Errors keep their smart-card reason (smart-card.ts): not through mapped().
      const { name, source } = await openSmartCard(reader);
      return open('smartcard', name, source, {});
    },
    disconnect: () => dispatch({ type: 'closed' }),
    cardPresent: () => {
      const w = world();
      return w ? Promise.resolve(w.hasCard) : mapped(() => needLink().cardPresent());
    },
    onCardEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    readCard: () =>
      onCard(async (t): Promise<CardInfo> => {
        // The demo's terminal holds the demo card's PIN (demo-pin.ts): with it the card
        // shows its PIN-protected data (issue 10); a real card's data stays locked here.
        const reading = await readCard(t, world() ? { pin: DEMO_PIN } : {});
        await dispatch({ type: 'card-read', cardNumber: reading.cardNumber });
        return { ...reading, issuer: issuerOf(reading.issuer), protocol: needLink().protocol() };
      }),

    backup: (o) =>
      onCard(async (t) => {
        const v = await vaultView();
        try {
          // A card is checked up to its issuer's root before the vault first keeps its
          // certificate: the demo issuer's for a demo card, the build's pinned root
          // (VITE_ISSUER_ROOT, issuer-root.ts) for a card in a real reader.
          const root = world() && demoMode ? demoMode.demoRoot() : (pinnedRoot ?? undefined);
          const r = await runBackup(t, v.vault, notes, o, root);
          // Up to the issuer after the card is done (the upload is not part of the backup).
          const card = inReader();
          if (card) setTimeout(() => void issuer?.push(card), 0);
          return r;
        } finally {
          v.invalidate();
        }
      }),
    previewRestore: (sourceCard, seq) =>
      onCard(async (t) => {
        const v = await vaultView();
        const card = await readCard(t, world() ? { pin: DEMO_PIN } : {});
        const later = (await v.entries(sourceCard)).filter((e) => e.seq > seq).map((e) => e.pagesChanged);
        return previewRestore({ card, sourceCard, seq, note: notes.get(sourceCard, seq), laterPages: later, issuerLinked: canAuthorise() || session.issuer.kind === 'service' });
      }),
    restore: async (o) => {
      const v = await vaultView();
      try {
        const by = await mapped(() => restoreIssuer(o.target), 'restore');
        return await onCard((t) => runRestore(t, v.vault, o, by), 'restore');
      } finally {
        v.invalidate();
      }
    },

    vaultCards: () =>
      mapped(async (): Promise<VaultCard[]> => {
        const v = await vaultView();
        const here = inReader();
        const old = replaced();
        const out: VaultCard[] = [];
        for (const c of await v.vault.listCards()) {
          const entries = await v.entries(c.cardNumber);
          if (entries.length === 0 && c.cardNumber !== here) continue;
          out.push({ cardNumber: c.cardNumber, backups: entries.length, newest: entries[0]?.date ?? null, inReader: c.cardNumber === here, replacedByReader: c.cardNumber === old && here !== null });
        }
        return out;
      }),
    defaultTimelineCard: () => mapped(defaultTimelineCard),
    timelineCount: (card) => mapped(async () => (await timelineRows(card)).length),
    timeline: (card, offset, limit) =>
      mapped(async () => {
        const v = await vaultView();
        const place = issuer ? await issuer.placer() : null;
        return (await timelineRows(card)).slice(offset, offset + limit).map((e) => {
          if ('place' in e && e.place === 'issuer') return e as BackupEntry;
          const row = e as VaultEntry;
          const note = notes.get(card, row.seq);
          const entry = entryOf(row, v.damaged, note.name, note.apps);
          return place ? { ...entry, place: place(card, row.seq) } : entry;
        });
      }),
    nameBackup: (card, seq, name) =>
      mapped(async () => {
        notes.set(card, seq, { name: name.trim() || null });
        (await vaultView()).invalidate();
      }),

    vaultStatus: () => mapped(async () => (await vaultView()).status()),
    storageHealth: () => mapped(async () => (await vaultView()).vault.storageHealth()),
    keepStorage: () => mapped(() => requestPersistence()),
    verifyVault: (deepPin) =>
      mapped(async () => {
        const v = await vaultView();
        // Deep: the card in the reader opens every record of its own backups, after the holder's PIN.
        const report = deepPin !== null ? await onCard((t) => runVerify(v.vault, { transport: t, pin: deepPin })) : await runVerify(v.vault, null);
        v.damaged = new Set(report.problems.map((p) => p.seq));
        v.invalidate();
        return report;
      }),
    retentionPlan: (policy) => mapped(async () => (await vaultView()).retentionPlan(policy)),
    removeBackups: (backups) =>
      mapped(async () => {
        const v = await vaultView();
        const r = await v.remove(backups);
        const byCard = new Map<string, number[]>();
        for (const b of backups) byCard.set(b.cardNumber, [...(byCard.get(b.cardNumber) ?? []), b.seq]);
        for (const [card, seqs] of byCard) notes.forget(card, seqs);
        return r;
      }),
    exportVault: () => mapped(async () => (await vaultView()).exportFile()),
    importVault: (file) => mapped(async () => (await vaultView()).importFile(file)),

    demo: () => (session.kind === 'demo' ? demo : null),

    issuerLink: () =>
      mapped(async () => {
        if (!issuer) return null;
        const r = await issuer.link();
        if (r.replaces) issuerSaysReplaces = { card: r.cardNumber, replaces: r.replaces };
        return r;
      }),
    onIssuerState: (listener) => issuer?.onState(listener) ?? (() => undefined),
    reportLost: (cardNumber, recoveryCode) =>
      mapped(async () => {
        if (!issuer) throw new ServiceError('unavailable', 'this build names no card issuer');
        return issuer.reportLost(cardNumber, recoveryCode);
      }),
  };
}
