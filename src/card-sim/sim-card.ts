/** The simulated card as a device: power, APDUs, save, inspect. */
import type { CardLike } from '../protocol/transport.ts';
import { buildAtr, DEFAULT_PROTOCOLS, type CardProtocols } from './atr.ts';
import { transmit } from './dispatch.ts';
import { inspectCard, type CardView } from './inspect.ts';
import type { CardOs } from './os.ts';
import { encodeSavedCard } from './persist.ts';

export class SimCard implements CardLike {
  private powered = false;

  constructor(
    private readonly os: CardOs,
    private readonly protocols: CardProtocols = DEFAULT_PROTOCOLS,
  ) {}

  /** Cold reset: journal recovery (redo a committed group, drop an uncommitted one), fresh RAM, the ATR. */
  powerOn(): Uint8Array {
    this.powered = false;
    this.os.powerReset();
    this.os.eeprom.recover();
    this.powered = true;
    return buildAtr(this.os.link.extendedLength, this.protocols);
  }

  powerOff(): void {
    this.powered = false;
    this.os.powerReset();
  }

  /**
   * Any bytes get a response (data ‖ SW1 SW2). The one exception is the injected power
   * cut: whatever the fault threw comes out here, and the card is off until `powerOn`.
   * A card that is off powers itself on first (as a reader would before the first APDU).
   */
  transmit(apdu: Uint8Array): Uint8Array {
    if (!this.powered || this.os.eeprom.powerLost) this.powerOn();
    try {
      return transmit(this.os, apdu);
    } catch (e) {
      this.powerOff();
      throw e;
    }
  }

  save(): Uint8Array {
    return encodeSavedCard({
      memorySize: this.os.layout.memorySize,
      pageSize: this.os.layout.pageSize,
      extendedLength: this.os.link.extendedLength,
      responseBufferSize: this.os.link.responseBufferSize,
      eeprom: this.os.eeprom.bytes.slice(),
    });
  }

  /** Byte writes to the EEPROM so far (as `inspect().writeCount`, without copying the card): a fuzzer's cheap "nothing was written". */
  get writeCount(): number {
    return this.os.eeprom.writeCount;
  }

  inspect(): CardView {
    return inspectCard(this.os);
  }
}
