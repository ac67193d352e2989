/**
 * The simulated reader's firmware: answers each PC_to_RDR message the way a CCID reader
 * of the configured level does (CCID rev 1.1 §6.1/§6.2), talking to the card in its
 * slot through the card's transmission protocol (T=1 blocks, T=0 TPDUs) or at APDU level.
 */
import { parseAtr } from '../../protocol/atr.ts';
import { concat } from '../../protocol/bytes.ts';
import { CCID_HEADER_LENGTH, CHAIN, FEATURE } from '../../protocol/ccid/constants.ts';
import { decodeParameters } from '../../protocol/ccid/parameters.ts';
import type { PcToRdr } from '../../protocol/ccid/pc-to-rdr.ts';
import { encodeStatus, type IccState, type RdrToPc, type RdrToPcName } from '../../protocol/ccid/rdr-to-pc.ts';
import { encodeT1Block } from '../../protocol/t1-block.ts';
import { T1Card } from '../../protocol/t1-card.ts';
import type { CardLike } from '../../protocol/transport.ts';
import type { SimReaderConfig } from './config.ts';
import { T0CardLayer } from './t0-card.ts';

const ICC_MUTE = 0xfe;
const XFR_OVERRUN = 0xfc;
const CMD_NOT_SUPPORTED = 0x00;
const SHORT_APDU_MAX = 261;

export class SimSlot {
  card: CardLike | undefined;
  powered = false;
  t1: T1Card | undefined;
  t0: T0CardLayer | undefined;
  parameters = Uint8Array.of(0x11, 0x10, 0x00, 0x4d, 0x00, 0x20, 0x00);
  protocol = 1;
  private command: Uint8Array[] = [];
  private response: Uint8Array[] = [];

  get icc(): IccState {
    return !this.card ? 'absent' : this.powered ? 'active' : 'inactive';
  }

  clearExchange(): void {
    this.command = [];
    this.response = [];
  }

  /** Extended-APDU level chaining of command and response (§6.1.4, §6.2.1). */
  chained(level: number, data: Uint8Array, room: number, run: (apdu: Uint8Array) => Uint8Array): { data: Uint8Array; chain: number } {
    if (level === CHAIN.EmptyContinue) {
      const next = this.response.shift() ?? new Uint8Array(0);
      return { data: next, chain: this.response.length > 0 ? CHAIN.ContinuesAndContinues : CHAIN.ContinuesAndEnds };
    }
    if (level === CHAIN.BeginsAndContinues) this.command = [data];
    else if (level === CHAIN.ContinuesAndContinues || level === CHAIN.ContinuesAndEnds) this.command.push(data);
    if (level === CHAIN.BeginsAndContinues || level === CHAIN.ContinuesAndContinues) return { data: new Uint8Array(0), chain: CHAIN.EmptyContinue };
    const apdu = level === CHAIN.ContinuesAndEnds ? concat(...this.command) : data;
    this.command = [];
    const r = run(apdu);
    if (r.length <= room) return { data: r, chain: CHAIN.BeginsAndEnds };
    this.response = [];
    for (let o = room; o < r.length; o += room) this.response.push(r.slice(o, o + room));
    return { data: r.slice(0, room), chain: CHAIN.BeginsAndContinues };
  }
}

export class SimEngine {
  readonly slots: SimSlot[];

  constructor(readonly config: SimReaderConfig) {
    this.slots = Array.from({ length: config.slots }, () => new SimSlot());
  }

  handle(m: PcToRdr, messageLength: number): RdrToPc[] {
    const slot = this.slots[m.slot];
    const reply = (type: RdrToPcName, o: { icc?: IccState; failed?: number; specific?: number; data?: Uint8Array } = {}): RdrToPc => ({
      type,
      slot: m.slot,
      seq: m.seq,
      bStatus: encodeStatus(o.icc ?? slot?.icc ?? 'absent', o.failed === undefined ? 'ok' : 'failed'),
      bError: o.failed ?? 0,
      specific: o.specific ?? 0,
      data: o.data ?? new Uint8Array(0),
    });
    // bError = offset of the bad field (§6.2.6): 5 = bSlot, 1 = dwLength.
    if (!slot) return [reply('SlotStatus', { icc: 'absent', failed: 5 })];
    if (messageLength > this.config.maxMessageLength) return [reply('DataBlock', { failed: XFR_OVERRUN })];
    switch (m.type) {
      case 'IccPowerOn':
        return [this.powerOn(slot, reply)];
      case 'IccPowerOff':
        slot.card?.powerOff();
        slot.powered = false;
        return [reply('SlotStatus')];
      case 'GetSlotStatus':
      case 'Abort':
        return [reply('SlotStatus')];
      case 'GetParameters':
      case 'ResetParameters':
        return [reply('Parameters', { specific: slot.protocol, data: slot.parameters })];
      case 'SetParameters': {
        if (!slot.powered) return [reply('Parameters', { failed: ICC_MUTE })];
        const p = decodeParameters(m.protocol, m.data);
        if (!p.ok) return [reply('Parameters', { failed: p.error.message.includes('bProtocolNum') ? 7 : 1 })];
        slot.protocol = m.protocol;
        slot.parameters = m.data.slice();
        return [reply('Parameters', { specific: slot.protocol, data: slot.parameters })];
      }
      case 'XfrBlock': {
        if (!slot.card || !slot.powered) return [reply('DataBlock', { failed: ICC_MUTE })];
        const ext: RdrToPc[] = Array.from({ length: this.config.timeExtensions }, () => ({
          ...reply('DataBlock'),
          bStatus: encodeStatus(slot.icc, 'time-extension'),
          bError: 1,
        }));
        const answer = this.xfr(slot, m.data, m.levelParameter);
        return [...ext, 'failed' in answer ? reply('DataBlock', { failed: answer.failed }) : reply('DataBlock', { data: answer.data, specific: answer.chain })];
      }
      case 'Escape':
        return [reply('Escape', { failed: CMD_NOT_SUPPORTED })];
      case 'SetDataRateAndClockFrequency':
        return [reply('DataRateAndClockFrequency', { failed: CMD_NOT_SUPPORTED })];
      case 'Secure':
        return [reply('DataBlock', { failed: CMD_NOT_SUPPORTED })];
      case 'IccClock':
      case 'T0APDU':
      case 'Mechanical':
        return [reply('SlotStatus', { failed: CMD_NOT_SUPPORTED })];
    }
  }

  private powerOn(slot: SimSlot, reply: (t: RdrToPcName, o?: { failed?: number; data?: Uint8Array }) => RdrToPc): RdrToPc {
    const card = slot.card;
    if (!card) return reply('DataBlock', { failed: ICC_MUTE });
    const atr = card.powerOn();
    slot.powered = true;
    slot.clearExchange();
    const parsed = parseAtr(atr);
    const ifsc = parsed.ok ? parsed.value.ifsc : 32;
    const edc = parsed.ok && parsed.value.crc ? 'crc' : 'lrc';
    slot.t1 = this.config.level === 'tpdu-t1' ? new T1Card((apdu) => card.transmit(apdu), { ifsc, edc }) : undefined;
    slot.t0 = this.config.level === 'tpdu-t0' ? new T0CardLayer(card) : undefined;
    // A reader with automatic IFSD exchange sends S(IFS request) as its first block (§5.1 dwFeatures 0x400).
    if (slot.t1 && this.config.extraFeatures & FEATURE.AutoIfsd) {
      slot.t1.receive(encodeT1Block({ kind: 'S', nad: 0, response: false, type: 'IFS', inf: Uint8Array.of(Math.min(this.config.dwMaxIFSD, 254)) }, edc));
    }
    return reply('DataBlock', { data: atr });
  }

  private xfr(slot: SimSlot, data: Uint8Array, level: number): { data: Uint8Array; chain: number } | { failed: number } {
    const card = slot.card as CardLike;
    // A PPS request (PPSS = FF) before the first block: the card accepts by echoing (ISO/IEC 7816-3 §9.3).
    if ((this.config.level === 'tpdu-t1' || this.config.level === 'tpdu-t0') && data[0] === 0xff) return { data: data.slice(), chain: 0 };
    switch (this.config.level) {
      case 'tpdu-t1':
        return { data: (slot.t1 as T1Card).receive(data), chain: 0 };
      case 'tpdu-t0':
        return { data: (slot.t0 as T0CardLayer).transmit(data), chain: 0 };
      case 'short-apdu':
        if (data.length > SHORT_APDU_MAX) return { failed: XFR_OVERRUN };
        return { data: card.transmit(data), chain: 0 };
      case 'extended-apdu':
        return slot.chained(level, data, this.config.maxMessageLength - CCID_HEADER_LENGTH, (apdu) => card.transmit(apdu));
    }
  }
}
