/**
 * Plays model/card-v2.pml steps on several TypeScript cards of one issuer (the model's
 * card 0 makes the backups, the others receive them by RESTORE P1 01): each card is a
 * ModelCard (test/model/card-driver.ts) sharing one `Held`, and the issuer is a real
 * IssuerAuthority (issuer/core) of its own, since starting an epoch changes it (the
 * shared test issuer must stay at epoch 1 for every other test).
 *
 * The issuer's steps of the model are played through issuer/core as the host and the
 * service would: an authorisation (C_AUTH) reads the target's authorisation counter by
 * GET DATA 010B and both cards' certificates by GET DATA 0109, then asks
 * `restoreAuthorisation` for counter + 1; a new epoch (C_NEWEPOCH) is `newEpoch` with
 * minEpoch the new epoch, and each card's keys (GET DATA 0108) certified by it, as the
 * issuer would hand out for EPOCH UPDATE.
 */
import { generateIssuerKeys, IssuerAuthority } from '../../issuer/core/index.ts';
import { getCardCertificate, getCardKeys } from '../../src/protocol/commands/index.ts';
import { raw } from '../card/helpers.ts';
import { Held, ModelCard } from './card-driver.ts';
import { CMD, type StepV2 } from './spin.ts';

/** The status word a step of the issuer answers when issuer/core refuses what the model's issuer signs. */
export const ISSUER_REFUSED = 0x6f00;

export class CardPair {
  readonly issuer: IssuerAuthority;
  readonly cards: ModelCard[];
  readonly held = new Held();
  /** Why issuer/core refused the last issuer step, if it did. */
  issuerError: string | undefined;

  constructor(count = 2, seed = 0x4d) {
    this.issuer = new IssuerAuthority(generateIssuerKeys({ issuer: 0x4d4f444c, seed: new Uint8Array(32).fill(seed) }));
    this.cards = Array.from({ length: count }, (_, k) => new ModelCard({ valueInModel: false, held: this.held, issuer: this.issuer, cardNumber: `49000000000001${String(k).padStart(2, '0')}` }));
    this.held.epochCertificates.set(1, this.issuer.epochCertificate(1));
    for (const c of this.cards) this.held.cardCertificates.set(this.numberOf(c), new Map([[1, this.certificateOf(c)]]));
  }

  card(k: number): ModelCard {
    const c = this.cards[k];
    if (!c) throw new Error(`the model names card ${k}; this run has ${this.cards.length}`);
    return c;
  }

  numberOf(c: ModelCard): string {
    return c.card.inspect().cardNumber;
  }

  /** The card whose backups the model's backup numbers name (card 0: the only maker). */
  get source(): string {
    return this.numberOf(this.card(0));
  }

  private certificateOf(c: ModelCard): Uint8Array {
    const r = c.query(getCardCertificate.getApdu());
    if (r.sw !== 0x9000) throw new Error(`GET DATA 0109 answered ${r.sw.toString(16)}`);
    return getCardCertificate.parseResponse(raw(r));
  }

  /** Plays one step, on its card or at the issuer; answers the status word (0 for a cut). */
  play(s: StepV2): number {
    if (s.cmd === CMD.authorise) return this.authorise(s.card, s.a1, s.a2);
    if (s.cmd === CMD.newEpoch) return this.newEpoch(s.a1);
    const a2 = s.cmd === CMD.restoreTransfer ? 1 : s.a2; // the model's page 0 is the driver's test page (page 1)
    return this.card(s.card).play({ ...s, a2, state: undefined as never });
  }

  private issuerStep(fn: () => void): number {
    this.issuerError = undefined;
    try {
      fn();
      return 0x9000;
    } catch (e) {
      this.issuerError = (e as Error).message;
      return ISSUER_REFUSED;
    }
  }

  private authorise(target: number, b: number, k: number): number {
    if (k !== this.held.authorisations.size + 1) throw new Error(`the model signs authorisation ${k} after ${this.held.authorisations.size}`);
    const backup = this.held.backups.get(b);
    if (!backup) throw new Error(`the model authorises backup ${b}, which no card answered`);
    const sourceCard = this.cards.find((c) => this.numberOf(c) === backup.cardNumber);
    if (!sourceCard) throw new Error(`backup ${b} is of card ${backup.cardNumber}, not one of this run`);
    const dst = this.card(target);
    return this.issuerStep(() => {
      const a = this.issuer.restoreAuthorisation({
        sourceCardCertificate: this.certificateOf(sourceCard),
        targetCardCertificate: this.certificateOf(dst),
        pointHeaderBytes: backup.headerBytes,
        pointHeaderSignature: backup.headerSignature,
        wrappedKeyBytes: backup.wrappedKeyBytes,
        targetAuthorisationCounter: dst.authorisationCounter() + 1,
      });
      this.held.authorisations.set(k, a);
    });
  }

  private newEpoch(e: number): number {
    return this.issuerStep(() => {
      const got = this.issuer.newEpoch({ minEpoch: e });
      if (got !== e) throw new Error(`issuer/core started epoch ${got}, the model ${e}`);
      this.held.epochCertificates.set(e, this.issuer.epochCertificate(e));
      for (const c of this.cards) {
        const r = c.query(getCardKeys.getApdu());
        if (r.sw !== 0x9000) throw new Error(`GET DATA 0108 answered ${r.sw.toString(16)}`);
        const keys = getCardKeys.parseResponse(raw(r));
        const number = this.numberOf(c);
        // The issuer certifies the card's own keys with the new epoch (the card certificate of a personalisation; PIN and PUK sealed in it are not used).
        const cert = this.issuer.personalise({ cardNumber: number, cardSigningPublicKey: keys.signingPublicKey, cardKemPublicKey: keys.kemPublicKey, pin: '1234', puk: '12345678' }).cardCertificate;
        this.held.cardCertificates.get(number)?.set(e, cert);
      }
    });
  }
}
