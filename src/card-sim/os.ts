/**
 * The card OS (patent 030): state shared by the command handlers, and the checks every
 * handler makes the same way.
 */
import type { KeyContext } from '../protocol/backup-format.ts';
import { hex } from '../protocol/bytes.ts';
import { SW } from '../protocol/status-words.ts';
import type { AppSeed, CardApplication } from './app-api.ts';
import type { RandomSource } from './crypto.ts';
import type { Eeprom } from './eeprom.ts';
import type { Identity } from './identity.ts';
import type { Layout } from './layout.ts';
import { decodeEpochCertificate } from '../protocol/trust/certificates.ts';
import { newSession, refuse, type Session } from './session.ts';
import { CardStore } from './store.ts';

export interface LinkConfig {
  extendedLength: boolean;
  /** Bytes a short-APDU card can hold for GET RESPONSE (and packs into one backup segment). */
  responseBufferSize: number;
}

/**
 * What the card knows of its place in the issuer's hierarchy (docs/trust.md "Keys"):
 * the handlers check load tokens and authorisations against the epoch's signing key,
 * wrap backup keys to the epoch's X25519 key and sign with the card's own key, through
 * this and nothing else.
 */
export interface CardTrust {
  cardNumber: string;
  issuer: number;
  epoch: number;
  minEpoch: number;
  /** Ed25519 public key of the epoch key that signs load tokens and authorisations. */
  epochSigningPublicKey: Uint8Array;
  /** X25519 public key of the epoch: every backup's unique key is wrapped to it (HPKE). */
  epochKemPublicKey: Uint8Array;
  /** The card's own Ed25519 secret key (signs challenges, headers, receipts). */
  cardSigningSecretKey: Uint8Array;
  /** The card's own X25519 secret key (opens authorisations sealed to it). */
  cardKemSecretKey: Uint8Array;
}

export class CardOs {
  readonly store: CardStore;
  session: Session = newSession();
  readonly apps: Map<string, CardApplication>;

  constructor(
    readonly eeprom: Eeprom,
    readonly layout: Layout,
    readonly link: LinkConfig,
    readonly random: RandomSource,
    apps: readonly CardApplication[],
    readonly appSeed: AppSeed,
  ) {
    this.store = new CardStore(eeprom, layout);
    this.apps = new Map(apps.map((a) => [hex(a.aid), a]));
  }

  get maxCommandData(): number {
    return this.link.extendedLength ? 65535 : 255;
  }
  get maxResponseData(): number {
    return this.link.extendedLength ? 65536 : 256;
  }

  /** The identity of a manufactured card (blank or personalised), or 6985. */
  manufactured(): Identity {
    const id = this.store.identity();
    if (!id.manufactured) refuse(SW.CONDITIONS_NOT_SATISFIED, 'no card of protocol version 2');
    return id;
  }

  /** The identity of an initialised card, or 6985. */
  initialised(): Identity {
    const id = this.store.identity();
    if (!id.initialised) refuse(SW.CONDITIONS_NOT_SATISFIED, 'card not initialised');
    return id;
  }

  /** Backup, restore and key commands need the cardholder PIN in this session (6982). */
  requirePin(): void {
    if (!this.session.pinVerified) refuse(SW.SECURITY_NOT_SATISFIED, 'PIN not verified');
  }

  /**
   * While a backup is in progress the memory must not change (fig. 14, 131); likewise
   * during a restore session (RESTORE .. RESTORE COMPLETE), whose COMPLETE overwrites
   * memory and clears the changed table: a write in between would be lost from every
   * later diff (issue 10).
   */
  requireMemoryUnlocked(): void {
    if (this.session.backup) refuse(SW.CONDITIONS_NOT_SATISFIED, 'backup in progress');
    if (this.session.restore) refuse(SW.CONDITIONS_NOT_SATISFIED, 'restore in progress');
  }

  /** True while a backup or restore session locks memory against application writes. */
  get memoryLocked(): boolean {
    return this.session.backup !== undefined || this.session.restore !== undefined;
  }

  /** The trust material of an initialised card (6985 on a blank card). */
  trust(): CardTrust {
    const id = this.initialised();
    const e = decodeEpochCertificate(id.epochCertificate);
    // Written only after the root's signature was checked (INITIALISE, EPOCH UPDATE).
    if (!e.ok) refuse(SW.CONDITIONS_NOT_SATISFIED, 'epoch certificate unreadable');
    return {
      cardNumber: id.cardNumber,
      issuer: id.issuer,
      epoch: id.epoch,
      minEpoch: id.minEpoch,
      epochSigningPublicKey: e.value.signingPublicKey,
      epochKemPublicKey: e.value.kemPublicKey,
      cardSigningSecretKey: id.signingSecretKey,
      cardKemSecretKey: id.kemSecretKey,
    };
  }

  keyContext(id: Identity): KeyContext {
    return { issuer: id.issuer, epoch: id.epoch, cardNumber: id.cardNumber };
  }

  powerReset(): void {
    this.session = newSession();
  }
}
