/**
 * Driving the card's applications the way a host does: SELECT, then the application
 * command codecs (src/protocol/commands/apps), over card.transmit.
 */
import { expect } from 'vitest';
import type { CommandApdu } from '../../src/protocol/apdu.ts';
import { getLoadHistory, select } from '../../src/protocol/commands/index.ts';
import type { LoadHistory } from '../../src/protocol/commands/get-data-codecs.ts';
import { APP_AID, type AppKey } from '../../src/protocol/commands/apps/ids.ts';
import type { SimCard } from '../../src/card-sim/index.ts';
import { raw, send } from '../card/helpers.ts';

/** SELECT the application, send one command, answer the raw response (data ‖ SW). */
export function app(card: SimCard, key: AppKey, cmd: CommandApdu): Uint8Array {
  expect(send(card, select.getApdu(APP_AID[key])).sw).toBe(0x9000);
  return raw(send(card, cmd));
}

/** SW of one application command. */
export const swOf = (response: Uint8Array) => ((response[response.length - 2] ?? 0) << 8) | (response[response.length - 1] ?? 0);

/** An application's area, as the card holds it now. */
export function area(card: SimCard, key: AppKey): Uint8Array {
  const v = card.inspect();
  const aid = Array.from(APP_AID[key], (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  const slot = v.apTable.find((s) => s.aid === aid);
  if (!slot) throw new Error(`no ${key} in the AP table`);
  return v.memory.slice(slot.offset, slot.offset + slot.size);
}

export function loadHistory(card: SimCard): LoadHistory {
  return getLoadHistory.parseResponse(raw(send(card, getLoadHistory.getApdu())));
}

export const NON_VALUE: readonly AppKey[] = ['credit', 'id', 'medical'];
