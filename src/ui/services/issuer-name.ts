/** The issuer's name as shown: 'Issuer ICV1' for issuer 0x49435631, else the number in hex. */
export function issuerName(issuer: number): string {
  const bytes = [issuer >>> 24, (issuer >>> 16) & 0xff, (issuer >>> 8) & 0xff, issuer & 0xff];
  const ascii = bytes.every((b) => b >= 0x20 && b < 0x7f);
  return ascii ? `Issuer ${String.fromCharCode(...bytes)}` : `Issuer 0x${issuer.toString(16).padStart(8, '0')}`;
}
