/**
 * The cards an export file lists, judged the same way for both file versions
 * (export-check.ts, export-check-v2.ts): each listed once, a layout of whole pages, and
 * the certificate it carries (protocol version 2) decoded and bound to its card number.
 */
import { fromHex } from '../protocol/bytes.ts';
import { bad, type ExportCard } from './export-format.ts';
import { certificateProblem } from './signature.ts';

export interface ListedCards<T> {
  cards: Map<string, T>;
  /** The listed card a row belongs to, or BAD_FILE naming the row. */
  cardOf(cardNumber: string, what: string): T;
}

export function listCards<T>(listed: readonly ExportCard[], make: (card: ExportCard, certificate: Uint8Array | undefined) => T): ListedCards<T> {
  const cards = new Map<string, T>();
  for (const card of listed) {
    if (cards.has(card.cardNumber)) throw bad(`card ${card.cardNumber} is listed twice`);
    if (card.pageSize === 0 || card.memorySize % card.pageSize !== 0) throw bad(`card ${card.cardNumber}: memory size is not a whole number of pages`);
    if (card.certificate !== undefined && !/^(?:[0-9a-f]{2})+$/i.test(card.certificate)) throw bad(`card ${card.cardNumber}: certificate is not hex`);
    const certificate = card.certificate === undefined ? undefined : fromHex(card.certificate);
    const problem = certificate && certificateProblem(certificate, card.cardNumber);
    if (problem) throw bad(`card ${card.cardNumber}: ${problem}`);
    cards.set(card.cardNumber, make(card, certificate));
  }
  return {
    cards,
    cardOf(cn, what) {
      const c = cards.get(cn);
      if (c === undefined) throw bad(`${what} belongs to card ${cn}, which the file does not list`);
      return c;
    },
  };
}
