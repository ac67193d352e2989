/**
 * The simulated card's Answer-To-Reset (ISO 7816-3 §8.2). The card offers T=1, T=0, or
 * both (the first listed is its default protocol, §8.2.3), always with TA1 = 0x95:
 *   3B  TS direct convention
 *   9K  T0: TA1 and TD1 follow, K historical bytes
 *   95  TA1: Fi 512, Di 16 (250 kbit/s at 4 MHz; a reader declaring less gets the
 *       default speed or a slower Di, libccid IFDHSetProtocolParameters)
 *   TD1.. as INTERFACE below, by the protocols offered
 *   31  TD for T=1 with TA and TB: FE  IFSC 254, 45  BWI 4, CWI 5
 *   historical bytes (ISO 7816-4 §8.1.1, compact-TLV after category indicator 80):
 *     5x 'ICVAULT'  card issuer's data: names the card
 *     73 xx xx xx  card capabilities: DF selection by full name; data coding 01;
 *                  third byte b8 = command chaining, b7 = extended Lc and Le (§8.1.1.2.7)
 *   TCK  XOR of T0..last historical byte (present because T=1 is offered; a T=0-only
 *        ATR has none, §8.2.5)
 */
const NAME = new TextEncoder().encode('ICVAULT');

/** The transmission protocols the card offers, default first. */
export type CardProtocols = readonly (0 | 1)[];

export const DEFAULT_PROTOCOLS: CardProtocols = [1];

/** TA1 of the simulated card: Fi index 9 (512), Di index 5 (16). */
export const SIM_TA1 = 0x95;

/** TD and T=1 bytes per offer (TDi low nibble = T; b5/b6 = TA/TB follow, b8 = next TD). */
const INTERFACE: Record<string, number[]> = {
  '1': [0x81, 0x31, 0xfe, 0x45], // TD1 T=1, TD2 T=1 with TA3 (IFSC) and TB3 (BWI/CWI)
  '0': [0x00], //                   TD1 T=0, nothing follows
  '0,1': [0x80, 0x31, 0xfe, 0x45], // TD1 T=0 (default), TD2 T=1 with TA3 and TB3
};

export function buildAtr(extendedLength: boolean, protocols: CardProtocols = DEFAULT_PROTOCOLS): Uint8Array {
  const iface = INTERFACE[protocols.join(',')];
  if (!iface) throw new RangeError(`the simulated card offers T=1, T=0 or T=0 and T=1; got [${protocols.join(',')}]`);
  const historical = [0x80, 0x50 | NAME.length, ...NAME, 0x73, 0x80, 0x01, 0x80 | (extendedLength ? 0x40 : 0)];
  const body = [0x90 | historical.length, SIM_TA1, ...iface, ...historical];
  // TCK only when a protocol other than T=0 is offered (§8.2.5).
  return Uint8Array.of(0x3b, ...body, ...(protocols.includes(1) ? [body.reduce((x, b) => x ^ b, 0)] : []));
}
