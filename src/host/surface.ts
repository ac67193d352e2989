/**
 * What the layers above the host (src/ui) may name from below it: the Transport a card
 * link carries (as a type only) and the card's error (to map its code to words). They
 * never build or send a card command: lint keeps protocol imports out of src/ui.
 */
export type { Transport } from '../protocol/transport.ts';
export { CardError, type CardErrorCode } from '../protocol/commands/card-error.ts';
