/**
 * The issuer's root public key a build pins (VITE_ISSUER_ROOT, 64 hex digits: the root's
 * Ed25519 key as docs/trust.md names it). With it, every card in a real reader is checked
 * up to that root before the vault first keeps its certificate (src/host/card-genuine.ts):
 * a card of another issuer, or a copy of a certificate without its key, is refused and
 * nothing is stored. Without it the vault keeps the first certificate a card shows
 * (trust on first use; docs/trust.md says what that leaves open). Demo cards are always
 * checked against the demo issuer's root.
 */

export class IssuerRootError extends Error {
  readonly code = 'BAD_ISSUER_ROOT';
  constructor(message: string) {
    super(message);
    this.name = 'IssuerRootError';
  }
}

const ROOT_HEX = /^[0-9a-fA-F]{64}$/;

/** The pinned root from the build's setting; null when the build pins none. Throws IssuerRootError naming what is wrong. */
export function parseIssuerRoot(value: string | null | undefined): Uint8Array | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const v = value.trim();
  if (!ROOT_HEX.test(v)) {
    const what = /[^0-9a-fA-F]/.test(v) ? `it holds a character that is not a hex digit (${JSON.stringify(v.match(/[^0-9a-fA-F]/)?.[0])})` : `it has ${v.length} hex digits`;
    throw new IssuerRootError(`VITE_ISSUER_ROOT must be the issuer root's Ed25519 public key as 64 hex digits: ${what}`);
  }
  return Uint8Array.from({ length: 32 }, (_, i) => parseInt(v.slice(2 * i, 2 * i + 2), 16));
}
