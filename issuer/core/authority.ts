/**
 * The issuer's signing authority (docs/trust.md): everything that needs an issuer secret.
 * Pure TypeScript over src/protocol/trust; the service (issuer/) stores the keys and keeps
 * the rules (ledger, stop list, who may ask for what), this class only signs and opens.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { HEADER_BYTES, decodeHeader } from '../../src/protocol/backup-format.ts';
import { authorisationMessage, sealRestoreKey, encodeAuthorisationV2 } from '../../src/protocol/trust/authorisation.ts';
import { verifyCardAuth } from '../../src/protocol/trust/card-auth.ts';
import {
  cardCertificateMessage,
  decodeCardCertificate,
  decodeEpochCertificate,
  encodeCardCertificate,
  verifyCardCertificate,
  type CardCertificate,
  type EpochCertificate,
} from '../../src/protocol/trust/certificates.ts';
import { verifyHeaderSignature } from '../../src/protocol/trust/header-signature.ts';
import { loadTokenMessage, encodeLoadToken } from '../../src/protocol/trust/load-token.ts';
import { encodePersonalisation, personalisationMessage, sealCardSecrets } from '../../src/protocol/trust/personalisation.ts';
import { decodeReceipt, verifyReceipt, type Receipt } from '../../src/protocol/trust/receipt.ts';
import { encodeStopEntry, stopEntryMessage } from '../../src/protocol/trust/stop-entry.ts';
import { decodeWrappedKeyV2, unwrapUniqueKey } from '../../src/protocol/trust/wrapped-key.ts';
import { IssuerBadInputError, IssuerEpochError, IssuerNotGenuineError } from './errors.ts';
import { makeEpoch, rootPublicKey, type EpochKeys, type IssuerKeys } from './keys.ts';

export interface PersonaliseRequest {
  cardNumber: string;
  cardSigningPublicKey: Uint8Array;
  cardKemPublicKey: Uint8Array;
  pin: string;
  puk: string;
}

export class IssuerAuthority {
  #keys: IssuerKeys;

  constructor(keys: IssuerKeys) {
    if (keys.epochs.length === 0) throw new IssuerBadInputError('issuer keys hold no epoch');
    this.#keys = keys;
  }

  get issuer(): number {
    return this.#keys.issuer;
  }
  /** Put into every card at manufacture: the card's one trust anchor. */
  get rootPublicKey(): Uint8Array {
    return rootPublicKey(this.#keys);
  }
  get currentEpoch(): number {
    return this.#current().epoch;
  }
  /** The keys as they are now (after newEpoch), for the service to store sealed. */
  get keys(): IssuerKeys {
    return this.#keys;
  }

  #current(): EpochKeys {
    const e = this.#keys.epochs[this.#keys.epochs.length - 1];
    if (!e) throw new IssuerBadInputError('issuer keys hold no epoch');
    return e;
  }

  #epoch(epoch: number): EpochKeys {
    const e = this.#keys.epochs.find((k) => k.epoch === epoch);
    if (!e) throw new IssuerEpochError(`issuer ${this.issuer} has no epoch ${epoch}`);
    if (epoch < this.#current().minEpoch) throw new IssuerEpochError(`epoch ${epoch} is retired (minimum accepted epoch ${this.#current().minEpoch})`);
    return e;
  }

  #epochCert(e: EpochKeys): EpochCertificate {
    const c = decodeEpochCertificate(e.certificate);
    if (!c.ok) throw new IssuerBadInputError(`stored epoch ${e.epoch} certificate: ${c.error.message}`, { cause: c.error });
    return c.value;
  }

  /** The root-signed certificate of an epoch (default: the current one). */
  epochCertificate(epoch: number = this.currentEpoch): Uint8Array {
    return this.#epoch(epoch).certificate.slice();
  }

  /** Starts epoch current + 1; backups and certificates of epochs below minEpoch are retired. */
  newEpoch(opts: { minEpoch: number }): number {
    const next = this.currentEpoch + 1;
    if (opts.minEpoch < this.#current().minEpoch) throw new IssuerBadInputError(`minEpoch may not go back: ${opts.minEpoch} < ${this.#current().minEpoch}`);
    const e = makeEpoch(this.#keys.rootSecretKey, this.issuer, next, opts.minEpoch, this.#keys.seed);
    this.#keys = { ...this.#keys, epochs: [...this.#keys.epochs, e] };
    return next;
  }

  /** Certifies a blank card's own keys and seals its PIN and PUK to it (current epoch). */
  personalise(r: PersonaliseRequest): { personalisation: Uint8Array; cardCertificate: Uint8Array } {
    const e = this.#current();
    const body = { issuer: this.issuer, epoch: e.epoch, cardNumber: r.cardNumber, signingPublicKey: r.cardSigningPublicKey, kemPublicKey: r.cardKemPublicKey };
    let message: Uint8Array;
    try {
      message = cardCertificateMessage(body);
      ed25519.Point.fromBytes(r.cardSigningPublicKey);
    } catch (cause) {
      throw new IssuerBadInputError(`personalise: ${(cause as Error).message}`, { cause });
    }
    const cardCertificate: CardCertificate = { ...body, signature: ed25519.sign(message, e.signingSecretKey) };
    let sealed: { enc: Uint8Array; sealed: Uint8Array };
    try {
      sealed = sealCardSecrets(cardCertificate, { pin: r.pin, puk: r.puk });
    } catch (cause) {
      throw new IssuerBadInputError(`personalise: ${(cause as Error).message}`, { cause });
    }
    const p = { epochCertificate: this.#epochCert(e), cardCertificate, ...sealed };
    const signature = ed25519.sign(personalisationMessage(p), e.signingSecretKey);
    return { personalisation: encodePersonalisation({ ...p, signature }), cardCertificate: encodeCardCertificate(cardCertificate) };
  }

  /**
   * A load token for the card's application. `loadCounter` is the value the card will
   * accept: its load counter + 1 (each token loads once).
   */
  loadToken(t: { cardNumber: string; aid: Uint8Array; amount: number; loadCounter: number }): Uint8Array {
    if (!Number.isInteger(t.amount) || t.amount < 1 || t.amount > 0xffffffff) throw new IssuerBadInputError(`load token: amount must be 1..2^32-1, got ${t.amount}`);
    if (!Number.isInteger(t.loadCounter) || t.loadCounter < 1 || t.loadCounter > 0xffffffff) throw new IssuerBadInputError(`load token: loadCounter must be 1..2^32-1, got ${t.loadCounter}`);
    const e = this.#current();
    const body = { issuer: this.issuer, epoch: e.epoch, cardNumber: t.cardNumber, aid: t.aid, amount: t.amount, loadCounter: t.loadCounter };
    let message: Uint8Array;
    try {
      message = loadTokenMessage(body);
    } catch (cause) {
      throw new IssuerBadInputError(`load token: ${(cause as Error).message}`, { cause });
    }
    return encodeLoadToken({ ...body, signature: ed25519.sign(message, e.signingSecretKey) });
  }

  /** A card certificate one of this issuer's (unretired) epochs signed; throws otherwise. */
  checkCardCertificate(bytes: Uint8Array): CardCertificate {
    const c = decodeCardCertificate(bytes);
    if (!c.ok) throw new IssuerBadInputError(c.error.message, { cause: c.error });
    if (c.value.issuer !== this.issuer) throw new IssuerNotGenuineError(`card certificate of issuer ${c.value.issuer}, not ${this.issuer}`);
    const e = this.#epoch(c.value.epoch);
    if (!verifyCardCertificate(this.#epochCert(e), c.value)) throw new IssuerNotGenuineError(`card certificate of ${c.value.cardNumber}: signature is not epoch ${e.epoch}'s`);
    return c.value;
  }

  /** Opens a backup's wrapped key (v2) with its epoch's X25519 secret. */
  openWrappedKey(wrappedKeyBytes: Uint8Array): { cardNumber: string; epoch: number; uniqueKey: Uint8Array } {
    const w = decodeWrappedKeyV2(wrappedKeyBytes);
    if (!w.ok) throw new IssuerBadInputError(w.error.message, { cause: w.error });
    if (w.value.issuer !== this.issuer) throw new IssuerNotGenuineError(`wrapped key of issuer ${w.value.issuer}, not ${this.issuer}`);
    const uniqueKey = unwrapUniqueKey(this.#epoch(w.value.epoch).kemSecretKey, w.value);
    if (!uniqueKey) throw new IssuerNotGenuineError(`wrapped key of card ${w.value.cardNumber} does not open under epoch ${w.value.epoch}`);
    return { cardNumber: w.value.cardNumber, epoch: w.value.epoch, uniqueKey };
  }

  /**
   * Lets the target card restore the source card's point (its header), once: opens the
   * source's wrapped key, checks it and the header belong to the source card and the header
   * carries the source card's signature, and re-wraps the key to the target card.
   * `targetAuthorisationCounter` is the value the target will accept: its counter + 1.
   */
  restoreAuthorisation(a: {
    sourceCardCertificate: Uint8Array;
    targetCardCertificate: Uint8Array;
    pointHeaderBytes: Uint8Array;
    pointHeaderSignature: Uint8Array;
    wrappedKeyBytes: Uint8Array;
    targetAuthorisationCounter: number;
  }): Uint8Array {
    const source = this.checkCardCertificate(a.sourceCardCertificate);
    const target = this.checkCardCertificate(a.targetCardCertificate);
    if (a.pointHeaderBytes.length !== HEADER_BYTES) throw new IssuerBadInputError(`restore authorisation: header must be ${HEADER_BYTES} bytes`);
    const header = decodeHeader(a.pointHeaderBytes);
    if (!header.ok) throw new IssuerBadInputError(header.error.message, { cause: header.error });
    if (header.value.cardNumber !== source.cardNumber || header.value.issuer !== this.issuer) throw new IssuerNotGenuineError(`restore authorisation: the header is card ${header.value.cardNumber}'s, not the source ${source.cardNumber}'s`);
    if (!verifyHeaderSignature(source.signingPublicKey, a.wrappedKeyBytes, a.pointHeaderBytes, a.pointHeaderSignature)) throw new IssuerNotGenuineError('restore authorisation: the wrapped key and header do not carry the source card\'s signature');
    const opened = this.openWrappedKey(a.wrappedKeyBytes);
    if (opened.cardNumber !== source.cardNumber) throw new IssuerNotGenuineError(`restore authorisation: the wrapped key is card ${opened.cardNumber}'s, not the source ${source.cardNumber}'s`);
    if (!Number.isInteger(a.targetAuthorisationCounter) || a.targetAuthorisationCounter < 1 || a.targetAuthorisationCounter > 0xffffffff) throw new IssuerBadInputError(`restore authorisation: targetAuthorisationCounter must be 1..2^32-1, got ${a.targetAuthorisationCounter}`);
    const e = this.#current();
    const binding = {
      issuer: this.issuer,
      epoch: e.epoch,
      sourceCardNumber: source.cardNumber,
      targetCardNumber: target.cardNumber,
      chainHead: sha256(a.pointHeaderBytes),
      targetCounter: a.targetAuthorisationCounter,
      sourceSigningPublicKey: source.signingPublicKey,
    };
    const sealed = sealRestoreKey(target.kemPublicKey, binding, opened.uniqueKey);
    opened.uniqueKey.fill(0);
    const body = { ...binding, ...sealed };
    return encodeAuthorisationV2({ ...body, signature: ed25519.sign(authorisationMessage(body), e.signingSecretKey) });
  }

  /**
   * The same, in the shape of the host's restore authority (src/host/issuer-authority.ts
   * RestoreAuthority): the target's authorisation counter as the card holds it now; the
   * authorisation names counter + 1. The demo and the tests use the issuer through this.
   */
  async authoriseRestore(r: { sourceCertificate: Uint8Array; targetCertificate: Uint8Array; pointHeader: Uint8Array; pointHeaderSignature: Uint8Array; wrappedKey: Uint8Array; targetCounter: number }): Promise<Uint8Array> {
    return this.restoreAuthorisation({
      sourceCardCertificate: r.sourceCertificate,
      targetCardCertificate: r.targetCertificate,
      pointHeaderBytes: r.pointHeader,
      pointHeaderSignature: r.pointHeaderSignature,
      wrappedKeyBytes: r.wrappedKey,
      targetAuthorisationCounter: r.targetCounter + 1,
    });
  }

  /** A card-signed spend receipt, checked against the card's certificate; throws if forged. */
  verifyReceipt(cardCertificate: Uint8Array, receiptBytes: Uint8Array): Receipt {
    const card = this.checkCardCertificate(cardCertificate);
    const r = decodeReceipt(receiptBytes);
    if (!r.ok) throw new IssuerBadInputError(r.error.message, { cause: r.error });
    if (r.value.cardNumber !== card.cardNumber) throw new IssuerNotGenuineError(`receipt names card ${r.value.cardNumber}, certificate is ${card.cardNumber}'s`);
    if (!verifyReceipt(card.signingPublicKey, r.value)) throw new IssuerNotGenuineError(`receipt of card ${card.cardNumber}: not the card's signature`);
    return r.value;
  }

  /** Card authentication: the card's signature over our challenge. */
  verifyChallenge(cardCertificate: Uint8Array, challenge: Uint8Array, signature: Uint8Array): boolean {
    const card = this.checkCardCertificate(cardCertificate);
    return verifyCardAuth(card.signingPublicKey, card.cardNumber, challenge, signature);
  }

  /** Signs stop-list entry `number` (card stopped at `at`, ms since 1970). */
  signStopEntry(number: number, cardNumber: string, at: number): Uint8Array {
    const e = this.#current();
    const body = { issuer: this.issuer, epoch: e.epoch, number, cardNumber, at };
    try {
      return encodeStopEntry({ ...body, signature: ed25519.sign(stopEntryMessage(body), e.signingSecretKey) });
    } catch (cause) {
      throw new IssuerBadInputError(`stop-list entry: ${(cause as Error).message}`, { cause });
    }
  }
}

/** The X25519 public key of a secret (cards and tests make their own key pairs with it). */
export const kemPublicKeyOf = (secretKey: Uint8Array): Uint8Array => x25519.getPublicKey(secretKey);
