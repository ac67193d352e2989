/** An issuer's number as people read it: its four bytes as text when they are printable ('ICV1'), else hex. */
export function issuerId(issuer: number): string {
  const bytes = [issuer >>> 24, (issuer >>> 16) & 0xff, (issuer >>> 8) & 0xff, issuer & 0xff];
  const ascii = bytes.every((b) => b >= 0x20 && b < 0x7f);
  return ascii ? String.fromCharCode(...bytes) : `0x${issuer.toString(16).padStart(8, '0')}`;
}
