/**
 * The one place that decides how long an APDU may be on a link, from the card's ATR and
 * the reader path. Before this, the CCID slot assumed extended length when the ATR was
 * silent and the PC/SC bridge assumed short: the same card got different limits.
 *
 * Extended Lc/Le only when both ends say so:
 * - the card: its ATR's card capabilities (ISO 7816-4 §8.1.1.2.7, third software
 *   function byte, b7) say it takes extended Lc and Le. A card that says nothing gets
 *   short APDUs; longer answers still arrive through 61xx / GET RESPONSE and longer
 *   commands through chaining (src/reader/wrappers), only in more exchanges.
 * - the path: a CCID reader at extended-APDU level, or at TPDU/character level running
 *   T=1 (the host's T=1 blocks carry any APDU); never T=0 (ISO 7816-3 §12.2: short
 *   only) nor a short-APDU-level reader. PC/SC passes the APDU to the card's protocol:
 *   extended on T=1, short on T=0.
 */
import type { ExchangeLevel } from '../protocol/ccid/constants.ts';
import type { TransportLimits } from '../protocol/transport.ts';

export const SHORT_LIMITS: TransportLimits = { maxCommandData: 255, maxResponseData: 256, extendedLength: false };
export const EXTENDED_LIMITS: TransportLimits = { maxCommandData: 65535, maxResponseData: 65536, extendedLength: true };

export type ReaderPath = { kind: 'ccid'; level: ExchangeLevel } | { kind: 'pcsc' };

export interface CardSide {
  /** The protocol in use after negotiation (0 or 1). */
  protocol: number;
  /** What the ATR's historical bytes say about extended Lc/Le; undefined when they say nothing. */
  extendedLength: boolean | undefined;
}

export function pathCarriesExtended(path: ReaderPath, protocol: number): boolean {
  if (protocol !== 1 && !(path.kind === 'ccid' && path.level === 'extended-apdu')) return false;
  if (path.kind === 'pcsc') return true;
  return path.level !== 'short-apdu';
}

export function apduLimits(card: CardSide, path: ReaderPath): TransportLimits {
  return card.extendedLength === true && pathCarriesExtended(path, card.protocol) ? EXTENDED_LIMITS : SHORT_LIMITS;
}
