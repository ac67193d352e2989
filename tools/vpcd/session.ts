/**
 * The card side of one vpcd connection: turns each message vpcd sends into what the
 * card answers (or nothing, for power on/off/reset). No I/O: the socket lives in
 * connect.ts, so this is tested with plain bytes.
 */
import type { CardLike } from '../../src/protocol/transport.ts';
import { decodeVpcdMessage, encodeVpcdFrame, type VpcdMessage } from '../../src/protocol/vpcd.ts';

const SW_NO_PRECISE_DIAGNOSIS = Uint8Array.of(0x6f, 0x00);

export interface VpcdSessionEvents {
  onControl?: (control: VpcdMessage & { kind: 'control' }) => void;
  onApdu?: (command: Uint8Array, response: Uint8Array) => void;
  onError?: (error: Error) => void;
}

export class VpcdCardSession {
  private atr: Uint8Array | undefined;
  private powered = false;

  constructor(
    private readonly card: CardLike,
    private readonly events: VpcdSessionEvents = {},
  ) {}

  get isPowered(): boolean {
    return this.powered;
  }

  /** One payload from vpcd in; the framed answer out, or undefined when vpcd expects none. */
  handle(payload: Uint8Array): Uint8Array | undefined {
    const m = decodeVpcdMessage(payload);
    if (!m.ok) {
      // vpcd never sends these; answering nothing keeps the stream in step.
      this.events.onError?.(m.error);
      return undefined;
    }
    const msg = m.value;
    if (msg.kind === 'apdu') {
      // vpcd powers the card before any APDU; a card that was powered off by a
      // reset in between is powered again, as a reader would do.
      if (!this.powered) this.powerOn();
      let response: Uint8Array;
      try {
        response = this.card.transmit(msg.apdu);
      } catch (e) {
        this.events.onError?.(e instanceof Error ? e : new Error(String(e)));
        response = SW_NO_PRECISE_DIAGNOSIS;
      }
      this.events.onApdu?.(msg.apdu, response);
      return encodeVpcdFrame(response);
    }
    this.events.onControl?.(msg);
    switch (msg.control) {
      case 'on':
        this.powerOn();
        return undefined;
      case 'off':
        this.powerOff();
        return undefined;
      case 'reset':
        this.powerOff();
        this.powerOn();
        return undefined;
      case 'atr':
        // vpcd asks for the ATR as its presence check, also before power on.
        if (!this.atr) {
          this.atr = this.card.powerOn();
          this.card.powerOff();
        }
        return encodeVpcdFrame(this.atr);
    }
  }

  private powerOn(): void {
    this.atr = this.card.powerOn();
    this.powered = true;
  }

  private powerOff(): void {
    if (this.powered) this.card.powerOff();
    this.powered = false;
  }
}
