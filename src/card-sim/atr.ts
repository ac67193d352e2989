/**
 * The simulated card's Answer-To-Reset (ISO 7816-3 §8.2), T=1 only:
 *   3B  TS direct convention
 *   8K  T0: TD1 follows, K historical bytes
 *   81  TD1: T=1, TD2 follows
 *   31  TD2: T=1, TA3 and TB3 follow
 *   FE  TA3: IFSC 254            45 TB3: BWI 4, CWI 5
 *   historical bytes (ISO 7816-4 §8.1.1, compact-TLV after category indicator 80):
 *     5x 'ICVAULT'  card issuer's data: names the card
 *     73 xx xx xx  card capabilities: DF selection by full name; data coding 01;
 *                  third byte b8 = command chaining, b7 = extended Lc and Le (§8.1.1.2.7)
 *   TCK  XOR of T0..last historical byte (present because T=1 is offered)
 */
const NAME = new TextEncoder().encode('ICVAULT');

export function buildAtr(extendedLength: boolean): Uint8Array {
  const historical = [0x80, 0x50 | NAME.length, ...NAME, 0x73, 0x80, 0x01, 0x80 | (extendedLength ? 0x40 : 0)];
  const body = [0x80 | historical.length, 0x81, 0x31, 0xfe, 0x45, ...historical];
  const tck = body.reduce((x, b) => x ^ b, 0);
  return Uint8Array.of(0x3b, ...body, tck);
}
