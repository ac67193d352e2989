import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { fromHex } from '../../../src/protocol/bytes.ts';
import { sign } from '../../../src/protocol/trust/codec.ts';
import { cardAuthMessage } from '../../../src/protocol/trust/card-auth.ts';
import { signHeader } from '../../../src/protocol/trust/header-signature.ts';
import { encodeWrappedKeyV2, wrapUniqueKey } from '../../../src/protocol/trust/wrapped-key.ts';
import { joinBackupData } from '../../../src/protocol/trust/backup-data.ts';
import { encodeReceipt, receiptMessage } from '../../../src/protocol/trust/receipt.ts';
import { generateIssuerKeys, type IssuerKeys } from '../../../issuer/core/keys.ts';
import { coreAuthority } from '../../../issuer/authority-core.ts';
import type { Authority } from '../../../issuer/authority.ts';

// The issuer of the service's tests: the real protocol-2 signing core (issuer/core) with
// fresh or seeded keys, and simulated cards that sign as the card does (card-auth, header
// signature, receipts) with the codecs of src/protocol/trust.

export const TEST_ISSUER = 0x49435654; // 'ICVT'

export interface TestAuthority extends Authority {
  keys: IssuerKeys;
  epochKemPublicKey: Uint8Array;
}

/** seed: 32 bytes to make the same issuer in two processes (the crash test). */
export function testAuthority(seed?: Uint8Array): TestAuthority {
  const keys = generateIssuerKeys({ issuer: TEST_ISSUER, ...(seed ? { seed } : {}) });
  const epoch = keys.epochs[0];
  if (!epoch) throw new Error('issuer keys without an epoch');
  return { ...coreAuthority(keys), keys, epochKemPublicKey: x25519.getPublicKey(epoch.kemSecretKey) };
}

/** A simulated card as the service sees it: its own key pairs, its certificate, its signatures. */
export class TestCard {
  readonly signSecret: Uint8Array;
  readonly signKey: Uint8Array;
  readonly boxKey: Uint8Array;
  readonly uniqueKey = randomBytes(32);
  certificate: Uint8Array = new Uint8Array(0);
  cardNumber = '';

  /** With a card number: personalised at once by the authority. Without: a blank card. */
  constructor(
    private readonly authority: TestAuthority,
    cardNumber?: string,
    seed?: Uint8Array,
  ) {
    this.signSecret = seed ?? ed25519.utils.randomSecretKey();
    this.signKey = ed25519.getPublicKey(this.signSecret);
    this.boxKey = x25519.getPublicKey(x25519.utils.randomSecretKey());
    if (cardNumber !== undefined) this.personalised(cardNumber, authority.personalise(cardNumber, { signKey: this.signKey, boxKey: this.boxKey }, { pin: '1234', puk: '12345678' }).certificate);
  }

  personalised(cardNumber: string, certificate: Uint8Array | string): this {
    this.cardNumber = cardNumber;
    this.certificate = typeof certificate === 'string' ? fromHex(certificate) : certificate;
    return this;
  }

  signChallenge = (challenge: Uint8Array) => sign(this.signSecret, cardAuthMessage(this.cardNumber, challenge));
  signHeader = (wrappedKey: Uint8Array, header: Uint8Array) => signHeader(this.signSecret, wrappedKey, header);

  /**
   * Backup data v2 as the card hands it out: wrapped key, header, signature, records.
   * `signer` makes the signature over the wrapped key and header (this card's by default).
   */
  frame(header: Uint8Array, records: Uint8Array, signer: (wrappedKey: Uint8Array, header: Uint8Array) => Uint8Array = this.signHeader): Uint8Array {
    const wrappedKey = encodeWrappedKeyV2(wrapUniqueKey(this.authority.epochKemPublicKey, { issuer: this.authority.issuerId, epoch: 1, cardNumber: this.cardNumber }, this.uniqueKey));
    return joinBackupData({ wrappedKey, header, signature: signer(wrappedKey, header), records });
  }

  /** A spend receipt signed by the card (aid: hex, 5..16 bytes). */
  receipt(aid: string, amount: number, spendCounter: number): Uint8Array {
    const body = { cardNumber: this.cardNumber, aid: fromHex(aid), amount, spendCounter, balanceAfter: 0, challenge: new Uint8Array(0) };
    return encodeReceipt({ ...body, signature: sign(this.signSecret, receiptMessage(body)) });
  }
}
