/**
 * A simulated card that notes when a command may have changed it, so demo mode can
 * save its bytes (card.save()) before it reports an action done. The card's transmit
 * is synchronous; the save is awaited by the service that ran the command (flush).
 */
import type { SimCard } from '../../card-sim/index.ts';
import type { CardLike } from '../../reader/sim-usb-reader/index.ts';

/** Commands that never write: GET RESPONSE and SELECT (CLA 00), GET DATA (CLA 80). */
const ISO_READS = new Set([0xc0, 0xa4]);
/** Application reads (docs/protocol-apps.md); a value read answered 6283 did write (value reset). */
const PROPRIETARY_READS = new Set([0xca, 0x34, 0x36, 0x40, 0x50, 0x60, 0x64, 0x70, 0x76]);

export function isPureRead(apdu: Uint8Array, response: Uint8Array): boolean {
  const cla = apdu[0] ?? 0;
  const ins = apdu[1] ?? 0;
  const sw = ((response[response.length - 2] ?? 0) << 8) | (response[response.length - 1] ?? 0);
  if ((cla & 0xf0) === 0x00) return ISO_READS.has(ins);
  return cla === 0x80 && PROPRIETARY_READS.has(ins) && sw !== 0x6283;
}

export class SavingCard implements CardLike {
  private dirty = false;

  constructor(
    readonly card: SimCard,
    readonly cardNumber: string,
  ) {}

  powerOn(): Uint8Array {
    // Power-on runs the card's journal recovery, which may write.
    this.dirty = true;
    return this.card.powerOn();
  }

  powerOff(): void {
    this.card.powerOff();
  }

  transmit(apdu: Uint8Array): Uint8Array {
    try {
      const r = this.card.transmit(apdu);
      if (!isPureRead(apdu, r)) this.dirty = true;
      return r;
    } catch (e) {
      this.dirty = true;
      throw e;
    }
  }

  /** The card's bytes if anything may have changed since the last call, else null. */
  takeChanges(): Uint8Array | null {
    if (!this.dirty) return null;
    this.dirty = false;
    return this.card.save();
  }
}
