/**
 * The simulated reader's firmware: answers each PC_to_RDR message the way a CCID reader
 * of the configured level does (CCID rev 1.1 §6.1/§6.2), talking to the card in its
 * slot through the card's transmission protocol (T=1 blocks, T=0 TPDUs) or at APDU level.
 */
import { parseAtr } from '../../protocol/atr.ts';
import { concat } from '../../protocol/bytes.ts';
import type { CcidClassDescriptor } from '../../protocol/ccid/class-descriptor.ts';
import { CCID_HEADER_LENGTH, CHAIN, exchangeLevel, FEATURE, type ExchangeLevel } from '../../protocol/ccid/constants.ts';
import { decodePps } from '../../protocol/atr-pps.ts';
import { DI_TABLE, FI_TABLE } from '../../protocol/atr.ts';
import { decodeParameters } from '../../protocol/ccid/parameters.ts';
import type { PcToRdr } from '../../protocol/ccid/pc-to-rdr.ts';
import { encodeStatus, type IccState, type RdrToPc, type RdrToPcName } from '../../protocol/ccid/rdr-to-pc.ts';
import { encodeT1Block } from '../../protocol/t1-block.ts';
import { T1Card } from '../../protocol/t1-card.ts';
import type { CardLike } from '../../protocol/transport.ts';
import { simClassDescriptor, type SimReaderConfig } from './config.ts';
import { SimCharLine } from './char-line.ts';
import { T0CardLayer } from './t0-card.ts';
import { T0CharCard } from './t0-char-card.ts';
import { icvaultT0Outgoing } from './t0-directions.ts';

const ICC_MUTE = 0xfe;
const XFR_OVERRUN = 0xfc;
const CMD_NOT_SUPPORTED = 0x00;
const SHORT_APDU_MAX = 261;

export class SimSlot {
  card: CardLike | undefined;
  powered = false;
  t1: T1Card | undefined;
  t0: T0CardLayer | undefined;
  /** Character level: the line to the card, and the T=0 card speaking on it. */
  readonly charLine = new SimCharLine();
  t0Char: T0CharCard | undefined;
  parameters = Uint8Array.of(0x11, 0x10, 0x00, 0x4d, 0x00, 0x20, 0x00);
  protocol = 1;
  /** The card's ATR protocols and TA1, for PPS (ISO/IEC 7816-3 §9). */
  offered: number[] = [];
  ta1 = 0x11;
  /** True from power-on until the first block: a PPS can come only then. */
  fresh = false;
  atr: Uint8Array | undefined;
  private command: Uint8Array[] = [];
  private response: Uint8Array[] = [];

  get icc(): IccState {
    return !this.card ? 'absent' : this.powered ? 'active' : 'inactive';
  }

  clearExchange(): void {
    this.command = [];
    this.response = [];
    this.charLine.clear();
    this.t0Char = undefined;
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
  readonly descriptor: CcidClassDescriptor;
  readonly level: ExchangeLevel;

  constructor(readonly config: SimReaderConfig) {
    this.descriptor = simClassDescriptor(config);
    this.level = config.firmwareLevel ?? exchangeLevel(this.descriptor.dwFeatures);
    this.slots = Array.from({ length: this.descriptor.bMaxSlotIndex + 1 }, () => new SimSlot());
  }

  /** SCM firmware declares 263 and takes 270 (libccid BOGUS_SCM_FIRMWARE_FOR_dwMaxCCIDMessageLength). */
  private get maxMessageLength(): number {
    const declared = this.descriptor.dwMaxCCIDMessageLength;
    return declared === 263 ? 270 : declared;
  }

  /** Fi/Di the reader can clock: valid in 7816-3 Tables 7-8, within dwMaxDataRate and the data-rate table. */
  private speedOk(fiDi: number): boolean {
    if (fiDi === 0x11) return true;
    const f = FI_TABLE[fiDi >>> 4] ?? 0;
    const di = DI_TABLE[fiDi & 0xf] ?? 0;
    if (f === 0 || di === 0) return false;
    const rate = Math.trunc((1000 * (this.descriptor.dwDefaultClock || 4000) * di) / f);
    // A declared table (bNumDataRatesSupported > 0) is what the reader can clock, whatever
    // dwMaxDataRate says (libccid trusts it the same way); without one, the maximum binds.
    const table = this.descriptor.bNumDataRatesSupported > 0 ? this.config.dataRates : undefined;
    if (!table || table.length === 0) return rate <= this.descriptor.dwMaxDataRate + 2;
    return table.some((r) => Math.abs(r - rate) < 2);
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
    if (messageLength > this.maxMessageLength) return [reply('DataBlock', { failed: XFR_OVERRUN })];
    switch (m.type) {
      case 'IccPowerOn': {
        // bError 7 = bPowerSelect (§6.2.6): automatic only when declared; a voltage the reader has not.
        const d = this.descriptor;
        // An ICCD device powers the card itself (ICC_POWER_ON carries no voltage choice).
        const auto = (d.dwFeatures & (FEATURE.AutoVoltage | FEATURE.AutoActivation)) !== 0 || this.config.interfaceProtocol === 2;
        const ps = m.powerSelect;
        if ((ps === 0 && !auto) || ps > 3 || (ps > 0 && (d.bVoltageSupport & 7) !== 0 && !(d.bVoltageSupport & (1 << (ps - 1))))) {
          return [reply('DataBlock', { failed: 7 })];
        }
        if (ps > 0 && this.config.cardVoltages && !this.config.cardVoltages.includes(ps)) return [reply('DataBlock', { failed: ICC_MUTE })];
        return [this.powerOn(slot, reply)];
      }
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
        // bError 10: abProtocolDataStructure[0], a Fi/Di this reader cannot clock.
        if (!this.speedOk(p.value.fiDi)) return [reply('Parameters', { failed: 10 })];
        if (!(this.descriptor.dwProtocols & (1 << m.protocol))) return [reply('Parameters', { failed: 7 })];
        if (slot.protocol !== m.protocol) {
          slot.t1 = undefined;
          slot.t0 = undefined;
          slot.t0Char = undefined;
        }
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
    slot.atr = atr;
    slot.powered = true;
    slot.clearExchange();
    const parsed = parseAtr(atr);
    slot.offered = parsed.ok ? parsed.value.protocols : [0];
    slot.ta1 = parsed.ok ? (parsed.value.groups[0]?.ta ?? 0x11) : 0x11;
    slot.protocol = slot.offered[0] ?? 0;
    slot.t1 = undefined;
    slot.t0 = undefined;
    slot.fresh = true;
    return reply('DataBlock', { data: atr });
  }

  /** The card's transmission layer for the protocol in force, made on first use. */
  private layers(slot: SimSlot, card: CardLike): { t1?: T1Card; t0?: T0CardLayer } {
    if (slot.protocol === 1) {
      if (!slot.t1) {
        const parsed = parseAtr(slot.atr ?? new Uint8Array(0));
        const ifsc = parsed.ok ? parsed.value.ifsc : 32;
        const edc = parsed.ok && parsed.value.crc ? 'crc' : 'lrc';
        slot.t1 = new T1Card((apdu) => card.transmit(apdu), { ifsc, edc });
        // A reader with automatic IFSD exchange sends S(IFS request) as its first block (§5.1 dwFeatures 0x400).
        if (this.descriptor.dwFeatures & FEATURE.AutoIfsd) {
          slot.t1.receive(encodeT1Block({ kind: 'S', nad: 0, response: false, type: 'IFS', inf: Uint8Array.of(Math.min(this.descriptor.dwMaxIFSD, 254)) }, edc));
        }
      }
      return { t1: slot.t1 };
    }
    slot.t0 ??= new T0CardLayer(card);
    return { t0: slot.t0 };
  }

  /** A PPS request (PPSS = FF) as the first exchange after the ATR (ISO/IEC 7816-3 §9.1): the echo, silence, or not a PPS. */
  private pps(slot: SimSlot, data: Uint8Array, fresh: boolean): Uint8Array | 'mute' | undefined {
    if (!fresh || data[0] !== 0xff || this.descriptor.dwFeatures & FEATURE.AutoParameterNegotiation) return undefined;
    const pps = decodePps(data);
    if (!pps.ok) return undefined;
    if (this.config.cardRefusesPps) return 'mute';
    const fiDi = pps.value.fiDi ?? 0x11;
    // The card accepts its own protocols at its TA1's F and a D no larger (§9.3); it echoes.
    const okSpeed = fiDi === 0x11 || ((fiDi >>> 4) === (slot.ta1 >>> 4) && (fiDi & 0xf) <= (slot.ta1 & 0xf));
    if (!slot.offered.includes(pps.value.protocol) || !okSpeed) return 'mute';
    slot.protocol = pps.value.protocol;
    return data.slice();
  }

  /**
   * Character level (char-line.ts): the host's characters go to the card, and
   * wLevelParameter characters come back, or ICC_MUTE when the card sent fewer.
   */
  private charXfr(slot: SimSlot, data: Uint8Array, count: number, fresh: boolean): { data: Uint8Array; chain: number } | { failed: number } {
    const card = slot.card as CardLike;
    const pps = this.pps(slot, data, fresh);
    if (pps === 'mute') return { failed: ICC_MUTE };
    if (pps) slot.charLine.put(pps);
    else if (data.length > 0) {
      const { t1 } = this.layers(slot, card);
      if (t1) {
        const parsed = parseAtr(slot.atr ?? new Uint8Array(0));
        slot.charLine.t1(t1, data, parsed.ok && parsed.value.crc ? 2 : 1);
      } else {
        slot.t0Char ??= new T0CharCard(card, { outgoing: icvaultT0Outgoing, ...this.config.t0Character });
        slot.t0Char.receive(data);
      }
    }
    const out = slot.charLine.take(count, slot.protocol === 0 ? slot.t0Char : undefined);
    return out ? { data: out, chain: 0 } : { failed: ICC_MUTE };
  }

  private xfr(slot: SimSlot, data: Uint8Array, level: number): { data: Uint8Array; chain: number } | { failed: number } {
    const card = slot.card as CardLike;
    const fresh = slot.fresh;
    slot.fresh = false;
    if (this.level === 'character') return this.charXfr(slot, data, level, fresh);
    const pps = this.pps(slot, data, fresh);
    if (pps === 'mute') return { failed: ICC_MUTE };
    if (pps) return { data: pps, chain: 0 };
    switch (this.level) {
      case 'tpdu': {
        const { t1, t0 } = this.layers(slot, card);
        if (t1) return { data: t1.receive(data), chain: 0 };
        return { data: (t0 as T0CardLayer).transmit(data), chain: 0 };
      }
      case 'short-apdu':
        if (data.length > SHORT_APDU_MAX) return { failed: XFR_OVERRUN };
        return { data: card.transmit(data), chain: 0 };
      case 'extended-apdu':
        return slot.chained(level, data, this.maxMessageLength - CCID_HEADER_LENGTH, (apdu) => card.transmit(apdu));
    }
  }
}
