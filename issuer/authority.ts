// What the service needs from the issuer's signing core (issuer/core, docs/trust.md):
// one seam, so the service's storage and rules do not depend on the byte layouts, and so
// an HSM-backed core can replace the in-process one. issuer/authority-core.ts implements
// it with issuer/core and src/protocol/trust.

/** A card the issuer certified: what its certificate says. */
export interface CardIdentity {
  /** The certificate bytes this identity was read from. */
  certificate: Uint8Array;
  cardNumber: string;
  epoch: number;
  /** Ed25519: signs challenges, backup headers, spend receipts. */
  signKey: Uint8Array;
  /** X25519: receives personalisation secrets and re-wrapped keys. */
  boxKey: Uint8Array;
}

export interface SpendReceipt {
  cardNumber: string;
  /** The application's AID, upper-case hex. */
  aid: string;
  amount: number;
  counter: number;
}

export interface UploadedBackup {
  /** The 126-byte header (src/protocol/backup-format.ts) the card signed. */
  header: Uint8Array;
  /** The card's signature over the header. */
  signature: Uint8Array;
  /** The card-unique key HPKE-wrapped to the epoch key (docs/trust.md), if the format carries it. */
  wrappedKey: Uint8Array;
  /** The sealed records (back-to-back segments). */
  records: Uint8Array;
}

export interface Authority {
  /** The issuer's number in every header and certificate. */
  readonly issuerId: number;
  /** Decodes and checks a card certificate (signed by a known epoch key); throws if not. */
  checkCardCertificate(certificate: Uint8Array): CardIdentity;
  /** Card authentication: the card's signature over the service's challenge. */
  verifyChallenge(card: CardIdentity, challenge: Uint8Array, signature: Uint8Array): boolean;
  /** The card's signature over a backup's wrapped key and header. */
  verifyHeaderSignature(card: CardIdentity, wrappedKey: Uint8Array, header: Uint8Array, signature: Uint8Array): boolean;
  /** Splits an upload into header, signature, wrapped key and records; throws on bad framing. */
  splitUpload(bytes: Uint8Array): UploadedBackup;
  /** Decodes a card-signed spend receipt and checks its signature; throws if forged. */
  verifyReceipt(card: CardIdentity, receipt: Uint8Array): SpendReceipt;
  /** Signs a load token for the card's application (aid, hex); loadCounter = the card's
   *  load counter after this load (its current value + 1), so the token loads once. */
  loadToken(card: CardIdentity, aid: string, amount: number, loadCounter: number): Uint8Array;
  /** Personalises a blank card: its public keys in, certificate and personalisation out
   *  (PIN and PUK sealed to the card's X25519 key). */
  personalise(
    cardNumber: string,
    blank: { signKey: Uint8Array; boxKey: Uint8Array },
    secrets: { pin: string; puk: string },
  ): { certificate: Uint8Array; personalisation: Uint8Array };
  /** Authorises restoring source's backup (headerHash, with its wrapped key) into target. */
  restoreAuthorisation(args: {
    source: CardIdentity;
    target: CardIdentity;
    header: Uint8Array;
    signature: Uint8Array;
    wrappedKey: Uint8Array;
    /** The value the target card accepts next: its authorisation counter + 1. */
    targetCounter: number;
  }): Uint8Array;
  /** Stop-list entry `number` (card stopped at `at`, ms since 1970), signed: the entry's bytes. */
  signStopEntry(number: number, cardNumber: string, at: number): Uint8Array;
}
