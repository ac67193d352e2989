/**
 * The firmware of an ICCD version A device (USB ICCD rev 1.0, bInterfaceProtocol 1), as
 * libccid drives it (src/commands.c, PROTOCOL_ICCD_A branches): class requests on the
 * control pipe, the device moving T=0 characters with the card (t0-char-card.ts) and
 * telling the host where the exchange is through GET_ICC_STATUS (0xA0):
 *   0x00 idle, 0x10 the card sent ACK (the host sends the command data or reads the
 *   answer data), 0x20 SW1 SW2 ready, 0x80 no card or a mute card.
 * Requests: 0x62 ICC_POWER_ON (IN: the ATR), 0x63 ICC_POWER_OFF (OUT), 0x65 XFR_BLOCK
 * (OUT: the header, then the data), 0x6F DATA_BLOCK (IN: the answer data or SW1 SW2).
 * A card whose default protocol (first offered in its ATR; the device has no PPS) is
 * T=1 gets whole T=1 blocks: XFR_BLOCK a block, DATA_BLOCK the card's answer block, the
 * status idle (not busy) in between, as libccid's t1_xcv reads it.
 */
import type { IccState } from '../../protocol/ccid/rdr-to-pc.ts';
import type { CardLike } from '../../protocol/transport.ts';
import { parseAtr } from '../../protocol/atr.ts';
import { T1Card } from '../../protocol/t1-card.ts';
import { T0CharCard, type T0CharOptions } from './t0-char-card.ts';

const STATUS = { Idle: 0x00, Data: 0x10, StatusWords: 0x20, Mute: 0x80 } as const;
const NULL_BYTE = 0x60;

export interface IccdASlot {
  readonly card: CardLike | undefined;
  powered: boolean;
  readonly icc: IccState;
}

export class SimIccdA {
  private t0: T0CharCard | undefined;
  private status: number = STATUS.Idle;
  /** The header in progress (its INS and P3), and the SW1 SW2 the card sent. */
  private header: Uint8Array | undefined;
  private sw: Uint8Array | undefined;
  /** A card running T=1: its block layer, and the answer block waiting for DATA_BLOCK. */
  private t1: T1Card | undefined;
  private t1Answer: Uint8Array | undefined;

  constructor(
    private readonly slot: IccdASlot,
    private readonly options: T0CharOptions,
  ) {}

  iccStatus(): number {
    return this.slot.icc === 'absent' ? STATUS.Mute : this.status;
  }

  powerOff(): void {
    this.slot.card?.powerOff();
    this.slot.powered = false;
    this.t0 = undefined;
    this.t1 = undefined;
    this.t1Answer = undefined;
    this.status = STATUS.Idle;
  }

  /** ICC_POWER_ON: the ATR, or nothing when there is no card. */
  powerOn(): Uint8Array {
    const card = this.slot.card;
    if (!card) return new Uint8Array(0);
    const atr = card.powerOn();
    this.slot.powered = true;
    this.t0 = new T0CharCard(card, this.options);
    const parsed = parseAtr(atr);
    this.t1 = parsed.ok && parsed.value.protocols[0] === 1 ? new T1Card((apdu) => card.transmit(apdu), { ifsc: parsed.value.ifsc, edc: parsed.value.crc ? 'crc' : 'lrc' }) : undefined;
    this.t1Answer = undefined;
    this.status = STATUS.Idle;
    return atr;
  }

  /** XFR_BLOCK: a header when idle, command data after 0x10. */
  xfrBlock(bytes: Uint8Array): boolean {
    const t0 = this.t0;
    if (!t0 || !this.slot.powered) return false;
    if (this.t1) {
      this.t1Answer = this.t1.receive(bytes);
      return true;
    }
    if (this.status === STATUS.Idle || this.status === STATUS.StatusWords) {
      if (bytes.length !== 5) return false;
      this.header = bytes.slice();
      this.sw = undefined;
    } else if (this.status !== STATUS.Data) return false;
    t0.receive(bytes);
    this.procedure();
    return true;
  }

  /** DATA_BLOCK: the answer data after 0x10 (P3 bytes, 00 = 256), SW1 SW2 after 0x20. */
  dataBlock(length: number): Uint8Array | undefined {
    const t0 = this.t0;
    if (!t0) return undefined;
    if (this.t1) {
      const block = this.t1Answer;
      this.t1Answer = undefined;
      return block?.subarray(0, length);
    }
    if (this.status === STATUS.StatusWords && this.sw) {
      this.status = STATUS.Idle;
      return this.sw.subarray(0, length);
    }
    if (this.status === STATUS.Data && this.header) {
      const data = t0.send((this.header[4] as number) || 256);
      if (!data) return this.mute();
      this.procedure();
      return data.subarray(0, length);
    }
    return undefined;
  }

  /** Read the card's procedure bytes until ACK (0x10) or SW1 SW2 (0x20); NULL means wait. */
  private procedure(): void {
    const t0 = this.t0 as T0CharCard;
    const ins = (this.header as Uint8Array)[1] as number;
    for (;;) {
      const b = t0.send(1)?.[0];
      if (b === undefined) return void this.mute();
      if (b === NULL_BYTE) continue;
      if (b === ins || b === (ins ^ 0x01)) {
        this.status = STATUS.Data;
        return;
      }
      const sw2 = t0.send(1)?.[0];
      if (sw2 === undefined) return void this.mute();
      this.sw = Uint8Array.of(b, sw2);
      this.status = STATUS.StatusWords;
      return;
    }
  }

  private mute(): undefined {
    this.status = STATUS.Mute;
    return undefined;
  }
}
