/**
 * How long to wait for the reader. The card's own waiting times come from its ATR;
 * a USB margin is added because the reader answers after the card does.
 */

/** libccid's DEFAULT_COM_READ_TIMEOUT: used before the ATR is known. */
export const DEFAULT_TIMEOUT_MS = 3000;
const USB_MARGIN_MS = 1000;

/** BWT = 11 etu + 2^BWI x 960 x 372 / f (ISO/IEC 7816-3 §11.4.3). clock in kHz. */
export function blockWaitingTimeMs(bwi: number, clockKHz: number, fi: number, di: number): number {
  const etu = fi / di / clockKHz;
  return 11 * etu + (2 ** bwi * 960 * 372) / clockKHz;
}

/** WT = WI x 960 x Fi / f (ISO/IEC 7816-3 §10.2). */
export function workWaitingTimeMs(wi: number, clockKHz: number, fi: number): number {
  return (wi * 960 * fi) / clockKHz;
}

/** Read timeout for one message, at least the default. */
export function readTimeoutMs(cardWaitMs: number, minimumMs = DEFAULT_TIMEOUT_MS): number {
  return Math.max(minimumMs, DEFAULT_TIMEOUT_MS, Math.ceil(cardWaitMs) + USB_MARGIN_MS);
}
