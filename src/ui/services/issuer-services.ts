/**
 * The card issuer's service as the app's services use it (docs/issuer.md): the
 * off-device copy of every backup (IssuerSync over this browser's vault), the card
 * proving itself, the lost-card report and the terminal's stop check. Built only when
 * the build names an issuer (VITE_ISSUER_URL, set by `npm start`).
 */
import { backupData, commitRemoteBackup } from '../../host/issuer-backup-data.ts';
import { IssuerClient, IssuerRequestError, type IssuerSession } from '../../host/issuer-client.ts';
import { serviceRestoreAuthority, type RestoreAuthority } from '../../host/issuer-authority.ts';
import type { Personaliser } from '../../host/personalise.ts';
import type { TokenSource } from '../../host/terminal.ts';
import type { Receipt } from '../../host/index.ts';
import { cardProof, readCardCertificate } from '../../host/issuer-proof.ts';
import type { Transport } from '../../host/surface.ts';
import type { Vault } from '../../vault/index.ts';
import type { BackupEntry, CopyPlace, IssuerLinkOutcome, IssuerSyncState, LostReport } from '../model.ts';
import { ServiceError } from './errors.ts';
import { CopyMarks } from './issuer-marks.ts';
import { IssuerSync, type LocalCopies } from './issuer-sync.ts';

export interface IssuerHost {
  vault(): Promise<Vault>;
  /** The vault changed under the timeline's cache. */
  changed(): void;
  withCard<T>(fn: (t: Transport) => Promise<T>): Promise<T>;
  /** Card number of the card in the reader, or null. */
  inReader(): string | null;
}

export interface IssuerServices {
  readonly url: string;
  /** A sync `place` for the timeline's rows (the marks read once). */
  placer(): Promise<(card: string, seq: number) => CopyPlace>;
  /** Timeline rows of backups the issuer holds and this device does not (e.g. cleaned up here), seq ascending. */
  issuerOnly(card: string, onDevice: ReadonlySet<number>): Promise<BackupEntry[]>;
  push(card: string): Promise<void>;
  link(): Promise<IssuerLinkOutcome>;
  onState(listener: (s: IssuerSyncState) => void): () => void;
  reportLost(cardNumber: string, recoveryCode: string): Promise<LostReport>;
  /** The terminal's question before it takes the card: refused if stop-listed. */
  terminalCheck(cardNumber: string): Promise<void>;
  /**
   * Fig. 9 through the service: the card in the reader (the target) proves itself now, and
   * each RESTORE session of the restore asks in its session; the service re-wraps the lost
   * card's key to it, once. Call before the restore holds the card.
   */
  restoreAuthority(card: string): Promise<RestoreAuthority>;
  /** Load tokens the demo issuer's service signs and writes into its ledger, for the card in the reader (session made now). */
  loadTokens(card: string): Promise<TokenSource>;
  /** The same for a card reached through `t` that is not in a reader yet (the demo's new card at the issuer's machine). */
  loadTokensVia(t: Transport): Promise<TokenSource>;
  /** The service personalises a blank card as the replacement of `lostCard` (the holder's recovery code). */
  personaliser(lostCard: string, recoveryCode: string, pin: string): Personaliser;
  /** A spend's receipt into the issuer's ledger (a terminal's duty; best effort: the ledger also learns it at re-issue). */
  handInReceipt(card: string, receipt: Receipt): Promise<void>;
  /** The value the ledger holds for the card this one replaces, as load tokens for the card in the reader's counters. */
  reissue(card: string, counters: Record<string, number>): Promise<{ aid: string; amount: number; token: Uint8Array }[]>;
}

/**
 * The issuer's refusals the holder must act on get codes of their own; the rest are "the
 * issuer said no". `lost`: a lost-card report, where the one 403 is a recovery code that
 * does not match (docs/issuer.md: the service does not say whether it knows the card).
 */
export function issuerError(e: unknown, lost = false): unknown {
  if (!(e instanceof IssuerRequestError)) return e;
  if (e.code === 'CARD_PROOF') return new ServiceError('card-unproven', e.message, { cause: e });
  // Too many recovery-code tries: the issuer waits an hour (said in the code's help), it is not unreachable.
  if (lost && (e.code === 'FORBIDDEN' || e.status === 429)) return new ServiceError('recovery-code-wrong', e.message, { cause: e });
  if (e.transient) return new ServiceError('issuer-unreachable', e.message, { cause: e });
  if (e.code === 'CARD_STOPPED') return new ServiceError('card-stopped', e.message, { cause: e });
  return new ServiceError('issuer-refused', `${e.code}: ${e.message}`, { cause: e });
}

async function rethrown<T>(fn: () => Promise<T>, lost = false): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw issuerError(e, lost);
  }
}

export function issuerServices(url: string | null, host: IssuerHost): IssuerServices | null {
  if (!url) return null;
  const client = new IssuerClient(url.replace(/\/$/, ''));
  // terminal.ts asks for the card's load counter + 1; the service takes the counter now.
  const tokensOf =
    (s: IssuerSession): TokenSource =>
    (r) =>
      rethrown(() => client.demoLoad(s, r.aid, r.amount, r.loadCounter - 1));
  const listeners = new Set<(s: IssuerSyncState) => void>();

  const local: LocalCopies = {
    seqs: async (card) => {
      const rows = await (await host.vault()).timeline(card);
      return rows.filter((r) => r.confirmed).map((r) => r.seq).sort((a, b) => a - b);
    },
    bytes: async (card, seq) => backupData(await host.vault(), card, seq),
    store: async (bytes, certificate) => {
      await commitRemoteBackup(await host.vault(), bytes, certificate);
      host.changed();
    },
  };

  let syncing: Promise<IssuerSync> | null = null;
  const sync = () =>
    (syncing ??= CopyMarks.open().then((marks) => {
      const s = new IssuerSync({
        client,
        marks,
        local,
        proofFor: async (card) => {
          // Only the card itself can prove itself: if it left the reader, the upload waits.
          if (host.inReader() !== card) throw new IssuerRequestError('CARD_ABSENT', 0, `card ${card} is not in the reader to prove itself to the issuer`, { transient: true });
          return cardProof((fn) => host.withCard(fn), readCardCertificate);
        },
      });
      s.onChange((st) => {
        if (st.kind !== 'uploading') host.changed();
        for (const l of listeners) l(st);
      });
      return s;
    }));

  return {
    url,
    placer: async () => {
      const s = await sync();
      return (card, seq) => s.place(card, seq, true);
    },
    issuerOnly: async (card, onDevice) =>
      (await sync()).issuerOnly(card, onDevice).map(
        (m): BackupEntry => ({
          seq: m.seq,
          cardNumber: card,
          date: m.date ?? m.at,
          kind: m.kind ?? 'full',
          bytes: m.size ?? 0,
          pagesChanged: 0,
          health: 'ok',
          name: null,
          apps: null,
          place: 'issuer',
        }),
      ),
    push: async (card) => {
      try {
        await (await sync()).push(card);
      } catch (e) {
        // The marks store could not open: the backups stay here; say so where the panel listens.
        const st: IssuerSyncState = { kind: 'refused', code: 'LOCAL', message: e instanceof Error ? e.message : String(e) };
        for (const l of listeners) l(st);
      }
    },
    link: () =>
      rethrown(async () => {
        const card = host.inReader();
        if (!card) throw new ServiceError('no-card', 'no card in the reader to prove itself to the issuer');
        return { cardNumber: card, ...(await (await sync()).link(card)) };
      }),
    onState: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reportLost: (cardNumber, recoveryCode) =>
      rethrown(async () => {
        const r = await client.reportLost(cardNumber.replace(/\s+/g, ''), recoveryCode.trim());
        return { cardNumber: r.stop.cardNumber, stopNumber: r.stop.number, stoppedAt: r.stop.stoppedAt };
      }, true),
    restoreAuthority: (card) =>
      rethrown(async () => {
        const s = await (await sync()).session(card);
        return serviceRestoreAuthority(client, async () => s);
      }),
    loadTokens: (card) =>
      rethrown(async () => {
        const s = await (await sync()).session(card);
        return tokensOf(s);
      }),
    loadTokensVia: (t) =>
      rethrown(async () => {
        const s = await client.login(await cardProof((fn) => fn(t), readCardCertificate));
        return tokensOf(s);
      }),
    personaliser: (lostCard, recoveryCode, pin) => (keys) =>
      rethrown(async () => (await client.personalise(lostCard.replace(/\s+/g, ''), recoveryCode.trim(), { signKey: keys.signingPublicKey, boxKey: keys.kemPublicKey }, pin)).personalisation, true),
    handInReceipt: (card, receipt) =>
      rethrown(async () => {
        await client.handInReceipt(card, receipt);
      }),
    reissue: (card, counters) => rethrown(async () => client.reissue(await (await sync()).session(card), counters)),
    terminalCheck: (cardNumber) =>
      rethrown(async () => {
        try {
          await client.terminalCheck(cardNumber);
        } catch (e) {
          // A terminal that cannot reach the issuer, or a card the issuer never registered,
          // is not refused here: only a stop-listed card is (docs/issuer.md, terminals).
          if (e instanceof IssuerRequestError && (e.transient || e.code === 'NOT_FOUND')) return;
          throw e;
        }
      }),
  };
}
