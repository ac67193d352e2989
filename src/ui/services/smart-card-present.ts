/**
 * Whether this browser has the Web Smart Card API (navigator.smartCard: an installed
 * Isolated Web App on ChromeOS; Linux Chromium has no backend, other browsers none).
 * Apart from smart-card.ts so the start screen asks without loading the reader code.
 */
import { smartCardApi } from '../../reader/smart-card/api.ts';

export function hasSmartCardApi(nav: unknown = typeof navigator === 'undefined' ? undefined : navigator): boolean {
  return smartCardApi(nav) !== undefined;
}
