/**
 * A simulated USB CCID reader with the USBDevice surface the driver uses
 * (src/reader/usb-surface.ts). It answers GET_DESCRIPTOR with real configuration
 * descriptor bytes, runs CCID over its bulk endpoints, reports card insertion and
 * removal on its interrupt endpoint, and can be unplugged: transfers pending at that
 * moment fail with NetworkError and later calls with NotFoundError, as Chrome's do.
 */
import { encodeNotifySlotChange } from '../../protocol/ccid/interrupt.ts';
import { decodePcToRdr, type PcToRdr } from '../../protocol/ccid/pc-to-rdr.ts';
import { encodeRdrToPc, type RdrToPc } from '../../protocol/ccid/rdr-to-pc.ts';
import type { CardLike } from '../../protocol/transport.ts';
import type { UsbControlSetup, UsbDeviceLike, UsbInResult, UsbOutResult } from '../usb-surface.ts';
import { BULK_IN, BULK_OUT, INTERRUPT_IN, servedEndpoints, simConfig, simConfigurationBytes, type SimLevel, type SimReaderConfig } from './config.ts';
import { SimEngine } from './engine.ts';
import { SimIccdA } from './iccd-a.ts';
import { icvaultT0Outgoing } from './t0-directions.ts';

interface Waiter {
  resolve(r: UsbInResult): void;
  reject(e: unknown): void;
  /** Bytes the host asked for (bulk-IN). */
  length?: number;
}

/** wMaxPacketSize of the simulated bulk endpoints (config.ts). */
const PACKET = 64;

const result = (bytes: Uint8Array): UsbInResult => ({ status: 'ok', data: new DataView(bytes.slice().buffer) });

export class SimUsbReader implements UsbDeviceLike {
  readonly config: SimReaderConfig;
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly deviceVersionMajor: number | undefined;
  readonly deviceVersionMinor: number | undefined;
  readonly deviceVersionSubminor: number | undefined;
  opened = false;
  configuration: { configurationValue: number } | null = null;
  private plugged = true;
  private claimed = false;
  private readonly engine: SimEngine;
  private commands: Uint8Array[] = [];
  private answers: Uint8Array[] = [];
  private interrupts: Uint8Array[] = [];
  private bulkWaiters: Waiter[] = [];
  /** ICCD B: the answers to the last control-pipe command, read by DATA_BLOCK. */
  private iccdAnswers: RdrToPc[] = [];
  /** ICCD version A firmware (bInterfaceProtocol 1), on slot 0. */
  private readonly iccdA: SimIccdA | undefined;
  private interruptWaiters: Waiter[] = [];

  constructor(config: SimReaderConfig | SimLevel = 'extended-apdu') {
    this.config = typeof config === 'string' ? simConfig(config) : config;
    this.vendorId = this.config.vendorId;
    this.productId = this.config.productId;
    this.productName = this.config.productName;
    const bcd = this.config.bcdDevice;
    this.deviceVersionMajor = bcd === undefined ? undefined : bcd >>> 8;
    this.deviceVersionMinor = bcd === undefined ? undefined : (bcd >>> 4) & 0xf;
    this.deviceVersionSubminor = bcd === undefined ? undefined : bcd & 0xf;
    this.engine = new SimEngine(this.config);
    const slot0 = this.engine.slots[0];
    // The ICCD A device moves procedure bytes itself and takes each header's data whole (no ~INS).
    this.iccdA = this.config.interfaceProtocol === 1 && slot0 ? new SimIccdA(slot0, { outgoing: icvaultT0Outgoing, ...this.config.t0Character, oneByOne: 0 }) : undefined;
  }

  // --- the reader's physical side -------------------------------------------------

  insertCard(card: CardLike, slot = 0): void {
    const s = this.engine.slots[slot];
    if (!s) throw new RangeError(`no slot ${slot}`);
    s.card = card;
    s.powered = false;
    this.notify(slot);
  }

  /** Pull the card: it loses power mid-whatever, and the reader notices. */
  removeCard(slot = 0): void {
    const s = this.engine.slots[slot];
    if (!s?.card) return;
    s.card.powerOff();
    s.card = undefined;
    s.powered = false;
    s.clearExchange();
    this.notify(slot);
  }

  /** Pull the USB cable. */
  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    for (const s of this.engine.slots) {
      if (s.powered) s.card?.powerOff();
      s.powered = false;
    }
    this.failAll(() => new DOMException('A transfer error has occurred.', 'NetworkError'));
    this.opened = false;
    this.configuration = null;
    this.claimed = false;
    this.commands = [];
    this.answers = [];
    this.interrupts = [];
  }

  /** Plug the cable back in: the same reader, closed, cards still in their slots. */
  replug(): void {
    this.plugged = true;
  }

  get isPlugged(): boolean {
    return this.plugged;
  }

  // --- USBDevice surface -------------------------------------------------------------

  async open(): Promise<void> {
    this.check(false);
    this.opened = true;
  }

  async close(): Promise<void> {
    this.check(false);
    this.failAll(() => new DOMException('The transfer was cancelled.', 'AbortError'));
    this.opened = false;
    this.claimed = false;
  }

  async selectConfiguration(value: number): Promise<void> {
    this.check();
    if (value !== 1) throw new DOMException('The configuration value provided is not supported by the device.', 'NotFoundError');
    this.configuration = { configurationValue: 1 };
  }

  async claimInterface(n: number): Promise<void> {
    this.check();
    if (n !== this.served) throw new DOMException('The interface number provided is not supported by the device in its current configuration.', 'NotFoundError');
    this.claimed = true;
  }

  async controlTransferIn(setup: UsbControlSetup, length: number): Promise<UsbInResult> {
    this.check();
    // GET_DESCRIPTOR (bRequest 6) for CONFIGURATION (wValue high byte 2), USB 2.0 §9.4.3
    if (setup.requestType === 'standard' && setup.request === 6 && setup.value >>> 8 === 2) {
      return result(simConfigurationBytes(this.config).subarray(0, length));
    }
    if (this.iccdA && setup.requestType === 'class' && setup.index === this.served) {
      this.checkClaimed();
      if (setup.request === 0xa0) return result(Uint8Array.of(this.iccdA.iccStatus()));
      if (setup.request === 0x62) return result(this.iccdA.powerOn().subarray(0, length));
      if (setup.request === 0x6f) {
        const r = this.iccdA.dataBlock(length);
        return r ? result(r) : { status: 'stall' };
      }
    }
    if (this.config.interfaceProtocol === 2 && setup.requestType === 'class' && setup.index === this.served) {
      this.checkClaimed();
      const s = this.engine.slots[0];
      // GET_ICC_STATUS: bResponseType 40 (status), bStatus (bmICCStatus), bError.
      if (setup.request === 0x81) return result(Uint8Array.of(0x40, s?.card ? (s.powered ? 0 : 1) : 2, 0).subarray(0, length));
      if (setup.request === 0x6f) {
        const a = this.iccdAnswers.shift();
        if (!a) return result(Uint8Array.of(0x40, 0x40 | (s?.card ? 0 : 2), 0x00));
        // A time extension becomes "busy, poll again" (bResponseType 80, wDelay 1).
        if ((a.bStatus & 0xc0) === 0x80) return result(Uint8Array.of(0x80, 1, 0));
        if (a.bStatus & 0x40) return result(Uint8Array.of(0x40, a.bStatus & 0x03, a.bError));
        return result(Uint8Array.from([a.specific, ...a.data]).subarray(0, length));
      }
    }
    // GET_DATA_RATES (CCID rev 1.1 §5.3.3): the table as 32-bit little-endian words.
    if (setup.requestType === 'class' && setup.recipient === 'interface' && setup.request === 0x03 && setup.index === this.served && this.config.dataRates?.length) {
      const rates = this.config.dataRates;
      const out = new Uint8Array(rates.length * 4);
      rates.forEach((r, i) => new DataView(out.buffer).setUint32(i * 4, r, true));
      return result(out.subarray(0, length));
    }
    return { status: 'stall' };
  }

  /** ICCD version A (iccd-a.ts) or B: the CCID messages on the control pipe (src/reader/ccid/iccd-pipe.ts). */
  async controlTransferOut(setup: UsbControlSetup, data?: Uint8Array<ArrayBuffer>): Promise<UsbOutResult> {
    this.checkClaimed();
    const bytes = data ?? new Uint8Array(0);
    if (this.iccdA && setup.requestType === 'class' && setup.index === this.served) {
      if (setup.request === 0x63) {
        this.iccdA.powerOff();
        return { status: 'ok', bytesWritten: 0 };
      }
      if (setup.request === 0x65 && this.iccdA.xfrBlock(bytes)) return { status: 'ok', bytesWritten: bytes.length };
      return { status: 'stall', bytesWritten: 0 };
    }
    if (this.config.interfaceProtocol !== 2 || setup.requestType !== 'class' || setup.index !== this.served) return { status: 'stall', bytesWritten: 0 };
    const slot = 0;
    const seq = 0;
    let m: PcToRdr | undefined;
    if (setup.request === 0x62) m = { type: 'IccPowerOn', slot, seq, powerSelect: 0 };
    else if (setup.request === 0x63) m = { type: 'IccPowerOff', slot, seq };
    else if (setup.request === 0x65) m = { type: 'XfrBlock', slot, seq, bwi: 0, levelParameter: setup.value >>> 8, data: bytes.slice() };
    if (!m) return { status: 'stall', bytesWritten: 0 };
    this.iccdAnswers = this.engine.handle(m, 10 + bytes.length);
    return { status: 'ok', bytesWritten: bytes.length };
  }

  async transferOut(endpoint: number, data: Uint8Array<ArrayBuffer>): Promise<UsbOutResult> {
    this.checkClaimed();
    if (endpoint !== this.ep(BULK_OUT) || !this.bulk) throw new DOMException('The specified endpoint is not part of a claimed and selected alternate interface.', 'NotFoundError');
    this.commands.push(data.slice());
    this.pump();
    return { status: 'ok', bytesWritten: data.length };
  }

  /** The interface this simulator serves, and its endpoint numbers (config.ts endpointsOf). */
  private get served(): number {
    return this.config.interfaceNumber ?? 0;
  }

  private ep(n: number): number {
    return 3 * this.served + n;
  }

  private get bulk(): boolean {
    const e = servedEndpoints(this.config);
    return e === 'bulk' || e === 'bulk+interrupt';
  }

  private get hasInterrupt(): boolean {
    const e = servedEndpoints(this.config);
    return e === 'bulk+interrupt' || e === 'interrupt-only';
  }

  transferIn(endpoint: number, length: number): Promise<UsbInResult> {
    try {
      this.checkClaimed();
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<UsbInResult>((resolve, reject) => {
      if (endpoint === this.ep(BULK_IN) && this.bulk) {
        this.bulkWaiters.push({ resolve, reject, length });
        this.pump();
      } else if (endpoint === this.ep(INTERRUPT_IN) && this.hasInterrupt) {
        this.interruptWaiters.push({ resolve, reject });
        this.pumpInterrupts();
      } else {
        reject(new DOMException('The specified endpoint is not part of a claimed and selected alternate interface.', 'NotFoundError'));
      }
    });
  }

  // --- inside the reader --------------------------------------------------------------

  /**
   * Commands are answered when the host reads, so a card pulled between the command
   * and the read is seen by the reader, as with a real card that is still working.
   */
  private pump(): void {
    while (this.bulkWaiters.length > 0 && (this.answers.length > 0 || this.commands.length > 0)) {
      if (this.answers.length === 0) this.process(this.commands.shift() as Uint8Array);
      const next = this.answers.shift();
      if (!next) continue;
      const w = this.bulkWaiters.shift() as Waiter;
      const room = w.length ?? next.length;
      if (next.length <= room) {
        w.resolve(result(next));
      } else if (room % PACKET === 0) {
        // The transfer ends after whole packets; the rest of the message comes in the next one.
        this.answers.unshift(next.subarray(room));
        w.resolve(result(next.subarray(0, room)));
      } else {
        // A packet would not fit what is left of the buffer: the host controller reports babble.
        w.resolve({ status: 'babble' });
      }
    }
  }

  private process(bytes: Uint8Array): void {
    const d = decodePcToRdr(bytes);
    if (!d.ok) {
      // A malformed message gets a failed SlotStatus naming the bad offset (§6.2.6).
      const slot = bytes[5] ?? 0;
      const seq = bytes[6] ?? 0;
      this.answers.push(encodeRdrToPc({ type: 'SlotStatus', slot, seq, bStatus: 0x40 | 0x02, bError: d.error.offset ?? 0, specific: 0, data: new Uint8Array(0) }));
      return;
    }
    for (const a of this.engine.handle(d.value, bytes.length)) this.answers.push(encodeRdrToPc(a));
  }

  private notify(slot: number): void {
    if (!this.hasInterrupt) return;
    const states = this.engine.slots.map((s, i) => ({ present: s.card !== undefined, changed: i === slot }));
    this.interrupts.push(encodeNotifySlotChange(states));
    this.pumpInterrupts();
  }

  private pumpInterrupts(): void {
    while (this.interruptWaiters.length > 0 && this.interrupts.length > 0) {
      (this.interruptWaiters.shift() as Waiter).resolve(result(this.interrupts.shift() as Uint8Array));
    }
  }

  private failAll(error: () => DOMException): void {
    const waiters = [...this.bulkWaiters, ...this.interruptWaiters];
    this.bulkWaiters = [];
    this.interruptWaiters = [];
    for (const w of waiters) w.reject(error());
  }

  private check(mustBeOpen = true): void {
    if (!this.plugged) throw new DOMException('The device was disconnected.', 'NotFoundError');
    if (mustBeOpen && !this.opened) throw new DOMException('The device must be opened first.', 'InvalidStateError');
  }

  private checkClaimed(): void {
    this.check();
    if (!this.claimed) throw new DOMException('The specified endpoint is not part of a claimed and selected alternate interface.', 'NotFoundError');
  }
}
