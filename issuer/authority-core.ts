import { ed25519 } from '@noble/curves/ed25519.js';
import { IssuerAuthority } from './core/authority.ts';
import { IssuerNotGenuineError } from './core/errors.ts';
import { decodeEpochCertificate, verifyEpochCertificate } from '../src/protocol/trust/certificates.ts';
import type { IssuerKeys } from './core/keys.ts';
import { BACKUP_DATA_PREFIX_BYTES, splitBackupData } from '../src/protocol/trust/backup-data.ts';
import { headerSignatureMessage } from '../src/protocol/trust/header-signature.ts';
import { WRAPPED_KEY_V2_BYTES } from '../src/protocol/trust/wrapped-key.ts';
import { HEADER_BYTES } from '../src/protocol/backup-format.ts';
import { ed25519Verify } from './native-crypto.ts';
import { equal, fromHex, hex } from '../src/protocol/bytes.ts';
import type { Authority, CardIdentity } from './authority.ts';

/** The service's Authority over the protocol-2 signing core (issuer/core) and the byte
 *  formats of src/protocol/trust. Nothing here signs or parses on its own. */
export function coreAuthority(keys: IssuerKeys): Authority & { core: IssuerAuthority } {
  const core = new IssuerAuthority(keys);
  checkEpochChain(core, keys);
  // Every request of a card reads its certificate from the database; its epoch signature
  // is checked once per process (the keys do not change while it runs).
  const checked = new Map<string, CardIdentity>();
  const identity = (certificate: Uint8Array): CardIdentity => {
    const key = hex(certificate);
    const known = checked.get(key);
    if (known) return { ...known, certificate: certificate.slice() };
    const c = core.checkCardCertificate(certificate);
    const id = { certificate: certificate.slice(), cardNumber: c.cardNumber, epoch: c.epoch, signKey: c.signingPublicKey, boxKey: c.kemPublicKey };
    if (checked.size >= 100_000) checked.clear();
    checked.set(key, id);
    return id;
  };
  return {
    core,
    issuerId: core.issuer,
    checkCardCertificate: identity,
    verifyChallenge: (card, challenge, signature) => {
      try {
        return core.verifyChallenge(card.certificate, challenge, signature);
      } catch {
        return false;
      }
    },
    // The same signed message (wrapped key ‖ header) as src/protocol/trust/header-signature.ts, verified by
    // OpenSSL: once per upload, on the service's hot path (issuer/native-crypto.ts).
    verifyHeaderSignature: (card, wrappedKey, header, signature) =>
      header.length === HEADER_BYTES && wrappedKey.length === WRAPPED_KEY_V2_BYTES && ed25519Verify(card.signKey, headerSignatureMessage(wrappedKey, header), signature),
    // The fixed-size prefix through splitBackupData (its sizes, its wrapped-key check, its
    // messages); the records as a view of the upload: splitBackupData copies them, which
    // for a 42 KB full backup was an allocation the upload only read (GC was a fifth of a
    // full upload's CPU, docs/issuer-scale.md).
    splitUpload(bytes) {
      const s = splitBackupData(bytes.length < BACKUP_DATA_PREFIX_BYTES ? bytes : bytes.subarray(0, BACKUP_DATA_PREFIX_BYTES));
      if (!s.ok) throw new Error(s.error.message, { cause: s.error });
      return { ...s.value, records: bytes.subarray(BACKUP_DATA_PREFIX_BYTES) };
    },
    verifyReceipt(card, receipt) {
      const r = core.verifyReceipt(card.certificate, receipt);
      return { cardNumber: r.cardNumber, aid: hex(r.aid), amount: r.amount, counter: r.spendCounter };
    },
    loadToken: (card, aid, amount, loadCounter) => core.loadToken({ cardNumber: card.cardNumber, aid: fromHex(aid), amount, loadCounter }),
    personalise(cardNumber, blank, secrets) {
      const p = core.personalise({ cardNumber, cardSigningPublicKey: blank.signKey, cardKemPublicKey: blank.boxKey, pin: secrets.pin, puk: secrets.puk });
      return { certificate: p.cardCertificate, personalisation: p.personalisation };
    },
    restoreAuthorisation: (a) =>
      core.restoreAuthorisation({
        sourceCardCertificate: a.source.certificate,
        targetCardCertificate: a.target.certificate,
        pointHeaderBytes: a.header,
        pointHeaderSignature: a.signature,
        wrappedKeyBytes: a.wrappedKey,
        targetAuthorisationCounter: a.targetCounter,
      }),
    signStopEntry: (n, cardNumber, at) => core.signStopEntry(n, cardNumber, at),
  };
}

/**
 * The chain a card's login rests on is root -> epoch -> card (docs/trust.md). The epoch
 * -> card link is checked per certificate (core.checkCardCertificate); the root -> epoch
 * link once, here, before the service signs or accepts anything: each epoch certificate
 * must be this issuer's root's signature over that epoch's own public key. An epoch row
 * swapped in the database (or keys of another issuer sealed under the same master key)
 * refuses to start.
 */
function checkEpochChain(core: IssuerAuthority, keys: IssuerKeys): void {
  for (const e of keys.epochs) {
    const c = decodeEpochCertificate(e.certificate);
    if (!c.ok) throw new IssuerNotGenuineError(`epoch ${e.epoch} certificate: ${c.error.message}`, { cause: c.error });
    const cert = c.value;
    if (cert.issuer !== keys.issuer || cert.epoch !== e.epoch) throw new IssuerNotGenuineError(`epoch ${e.epoch} certificate names issuer ${cert.issuer} epoch ${cert.epoch}`);
    if (!verifyEpochCertificate(core.rootPublicKey, cert)) throw new IssuerNotGenuineError(`epoch ${e.epoch} certificate is not signed by issuer ${keys.issuer}'s root key`);
    if (!equal(cert.signingPublicKey, ed25519.getPublicKey(e.signingSecretKey))) throw new IssuerNotGenuineError(`epoch ${e.epoch} certificate certifies another signing key than the stored one`);
  }
}
