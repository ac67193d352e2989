/**
 * One slot of a CCID reader, as a Transport (src/protocol/transport.ts). connect()
 * powers the card and sets up the protocol; transmit() sends one APDU at the reader's
 * exchange level; every exchange runs under the reader's mutex.
 */
import { parseAtr, type Atr } from '../../protocol/atr.ts';
import type { ReaderCapabilities } from '../../protocol/ccid/class-descriptor.ts';
import { FEATURE } from '../../protocol/ccid/constants.ts';
import { T1Host, T1ProtocolError } from '../../protocol/t1-host.ts';
import type { Transport, TransportLimits } from '../../protocol/transport.ts';
import { ReaderError } from '../errors.ts';
import type { Mutex } from '../mutex.ts';
import { apduLimits, SHORT_LIMITS } from '../session-limits.ts';
import { expectAnswer } from './answer.ts';
import { extendedApduExchange, shortApduExchange } from './exchange-apdu.ts';
import { charT0Exchange, charT1BlockExchange, iccdAExchange } from './exchange-char.ts';
import { t0Exchange, t1BlockExchange } from './exchange-tpdu.ts';
import { chooseProtocol, negotiate, PpsRefused } from './negotiate.ts';
import { fiDiValues, type ReaderSpeed } from './speed.ts';
import { fitToMessage, t1MaxInf } from './sizes.ts';
import { VOLTAGE_NAMES } from './voltage.ts';
import type { MessagePipe } from './message-pipe.ts';
import type { SlotIo } from './slot-io.ts';
import { blockWaitingTimeMs, readTimeoutMs, workWaitingTimeMs } from './timeouts.ts';

/** 'unknown' until the reader first reports on the slot (interrupt or GetSlotStatus). */
export type SlotState = 'unknown' | 'absent' | 'present' | 'active';

export interface SlotSession {
  atr: Atr;
  protocol: 0 | 1;
  fiDi: number;
  /** bPowerSelect the card came up with (0 automatic, 1 = 5 V, 2 = 3 V, 3 = 1.8 V). */
  voltage: number;
  /** The card refused our PPS, was reset and runs its default protocol at the default speed. */
  ppsFallback: boolean;
  /** T=1 at TPDU/character level: the IFSD we asked for and the largest INF we send. */
  t1?: { ifsd: number; maxInf: number };
}

export interface SlotDeps {
  pipe: MessagePipe;
  mutex: Mutex;
  caps: ReaderCapabilities;
  clockKHz: number;
  minTimeoutMs: number;
  speed: ReaderSpeed;
  /** bPowerSelect values to try, in order (voltage.ts). */
  voltages: readonly number[];
  /** Quirk: the reader cannot do PPS. */
  noPps: boolean;
  /** dwMaxCCIDMessageLength as the reader declares it (before the 263 -> 270 rule). */
  declaredMessageLength: number;
  /** ICCD version A: one T=0 TPDU or T=1 block per XfrBlock, moved by the device (iccd-a-pipe.ts). */
  iccdA: boolean;
}


export class CcidSlot implements Transport {
  state: SlotState = 'unknown';
  session: SlotSession | undefined;
  private t1: T1Host | undefined;
  private timeoutMs: number;
  /** Set when the card left since connect(), so the next call says "removed". */
  private removedSinceConnect = false;
  /** The caller's signal for the exchange now running (T=1 blocks pick it up). */
  private signal: AbortSignal | undefined;

  constructor(
    readonly index: number,
    private readonly deps: SlotDeps,
  ) {
    this.timeoutMs = readTimeoutMs(0, deps.minTimeoutMs);
  }

  get limits(): TransportLimits {
    const s = this.session;
    if (!s) return SHORT_LIMITS;
    // One decision for every reader path (src/reader/session-limits.ts), then sized to
    // what one CCID message of this reader carries (sizes.ts).
    const limits = apduLimits({ protocol: s.protocol, extendedLength: s.atr.history.extendedLength }, { kind: 'ccid', level: this.deps.caps.level });
    return fitToMessage(limits, this.deps.caps, s.protocol);
  }

  /** Power the card on, read its ATR, negotiate. Returns the session. */
  connect(signal?: AbortSignal): Promise<SlotSession> {
    return this.deps.mutex.run(async () => {
      this.signal = signal;
      this.session = undefined;
      this.t1 = undefined;
      this.timeoutMs = readTimeoutMs(0, this.deps.minTimeoutMs);
      const { caps } = this.deps;
      let { atr, voltage } = await this.powerOn(signal);
      let ppsFallback = false;
      let negotiated;
      try {
        // ICCD A has no PPS request: the card keeps its default protocol (7816-3 §6.3.1).
        negotiated = await this.negotiateWith(atr, this.deps.iccdA, signal);
      } catch (e) {
        if (!(e instanceof PpsRefused)) throw e;
        // 7816-3 §9.3: after a failed PPS, reset; then the default protocol needs no PPS.
        ({ atr, voltage } = await this.powerOn(signal));
        ppsFallback = true;
        negotiated = await this.negotiateWith(atr, true, signal);
      }
      const { protocol, fiDi } = negotiated;
      this.deps.pipe.protocolInForce?.(this.index, protocol);
      const { f, d } = fiDiValues(fiDi) ?? { f: 372, d: 1 };
      const wait = protocol === 1 ? blockWaitingTimeMs(atr.bwi, this.deps.clockKHz, f, d) : workWaitingTimeMs(atr.wi, this.deps.clockKHz, f);
      this.timeoutMs = readTimeoutMs(wait, this.deps.minTimeoutMs);
      let t1: SlotSession['t1'];
      if (protocol === 1 && (caps.level === 'tpdu' || caps.level === 'character')) {
        const edc = atr.crc ? 'crc' : 'lrc';
        // Blocks in both directions must fit one CCID message (sizes.ts).
        const maxInf = t1MaxInf(this.deps.declaredMessageLength, edc);
        const blocks = caps.level === 'character' ? charT1BlockExchange(this.io(), edc) : t1BlockExchange(this.io());
        const host = new T1Host(blocks, { edc, ifsc: atr.ifsc, maxInf });
        this.t1 = host;
        const ifsd = Math.min(caps.maxIfsd || 254, 254, maxInf);
        if (!(caps.features & FEATURE.AutoIfsd)) await this.t1Call(() => host.negotiateIfsd(ifsd));
        t1 = { ifsd, maxInf };
      }
      this.state = 'active';
      this.removedSinceConnect = false;
      this.session = { atr, protocol, fiDi, voltage, ppsFallback, ...(t1 ? { t1 } : {}) };
      return this.session;
    });
  }

  /** IccPowerOn at each voltage of the sequence until the card answers (libccid CmdPowerOn()). */
  private async powerOn(signal: AbortSignal | undefined): Promise<{ atr: Atr; voltage: number }> {
    let last: unknown;
    for (const voltage of this.deps.voltages) {
      let on;
      try {
        on = await this.command({ type: 'IccPowerOn', slot: this.index, powerSelect: voltage }, 'DataBlock', false, signal);
      } catch (e) {
        // Only a failed power-on moves to the next voltage; no card, unplug and abort end here.
        if (!(e instanceof ReaderError) || !(e.code === 'READER_FAILED' || e.code === 'CARD_MUTE' || e.code === 'HARDWARE_ERROR')) throw e;
        last = e;
        continue;
      }
      const parsed = parseAtr(on.data);
      if (!parsed.ok) throw new ReaderError('CARD_MUTE', `unreadable ATR: ${parsed.error.message}`, { cause: parsed.error });
      return { atr: parsed.value, voltage };
    }
    throw new ReaderError('CARD_MUTE', `no answer to reset at ${this.deps.voltages.map((v) => VOLTAGE_NAMES[v]).join(', ')}`, { cause: last });
  }

  private negotiateWith(atr: Atr, defaultsOnly: boolean, signal: AbortSignal | undefined) {
    const { caps } = this.deps;
    const protocol = chooseProtocol(atr, caps, defaultsOnly);
    const io = this.io();
    return negotiate(atr, protocol, { caps, speed: this.deps.speed, noPps: this.deps.noPps, defaultsOnly }, {
      // At character level the reader reads back as many bytes as we ask: the PPS echo
      // is as long as the request (libccid pps.c PPS_Exchange asks for 4, its request's length).
      xfrRaw: async (d) => (await io.xfr(d, caps.level === 'character' ? { levelParameter: d.length } : {})).data,
      setParameters: async (p, data) => {
        await this.command({ type: 'SetParameters', slot: this.index, protocol: p, data }, 'Parameters', true, signal);
      },
    });
  }

  transmit(apdu: Uint8Array, options?: { signal?: AbortSignal }): Promise<Uint8Array> {
    const signal = options?.signal;
    return this.deps.mutex.run(async () => {
      this.signal = signal;
      if (!this.session || this.state !== 'active') throw new ReaderError(this.removedSinceConnect ? 'CARD_REMOVED' : 'NO_CARD');
      const io = this.io();
      const { level } = this.deps.caps;
      if (level === 'extended-apdu') return extendedApduExchange(io, apdu, signal);
      if (level === 'short-apdu') return shortApduExchange(io, apdu, signal);
      if (this.session.protocol === 0) {
        if (this.deps.iccdA) return iccdAExchange(io, apdu, signal);
        return level === 'character' ? charT0Exchange(io, apdu, signal) : t0Exchange(io, apdu, signal);
      }
      return this.t1Call(() => (this.t1 as T1Host).transceive(apdu));
    });
  }

  /** Power the card off (PC_to_RDR_IccPowerOff, §6.1.2). */
  disconnect(): Promise<void> {
    return this.deps.mutex.run(async () => {
      this.session = undefined;
      if (this.state === 'active') this.state = 'present';
      this.signal = undefined;
      await this.command({ type: 'IccPowerOff', slot: this.index }, 'SlotStatus', false);
    });
  }

  /** The reader told us (interrupt endpoint or polling) whether a card is in. */
  cardPresence(present: boolean): void {
    if (!present) {
      if (this.session) this.removedSinceConnect = true;
      this.state = 'absent';
      this.session = undefined;
    } else if (this.state === 'absent' || this.state === 'unknown') {
      this.state = 'present';
    }
  }

  private io(): SlotIo {
    return {
      maxMessageLength: this.deps.caps.maxMessageLength,
      xfr: (data, o = {}) =>
        this.command(
          { type: 'XfrBlock', slot: this.index, bwi: o.bwi ?? 0, levelParameter: o.levelParameter ?? 0, data },
          'DataBlock',
          true,
          o.signal ?? this.signal,
          o.bwi,
        ),
    };
  }

  private async command(
    msg: Parameters<MessagePipe['command']>[0],
    expect: 'DataBlock' | 'SlotStatus' | 'Parameters',
    cardActive: boolean,
    signal?: AbortSignal,
    wtx?: number,
  ) {
    const timeout = this.timeoutMs * Math.max(1, wtx ?? 1);
    const m = await this.deps.pipe.command(msg, timeout, signal);
    try {
      return expectAnswer(m, expect, cardActive);
    } catch (e) {
      if (e instanceof ReaderError && (e.code === 'CARD_REMOVED' || e.code === 'NO_CARD')) this.cardPresence(false);
      throw e;
    }
  }

  private async t1Call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof T1ProtocolError) throw new ReaderError('PROTOCOL_ERROR', e.message, { cause: e });
      throw e;
    }
  }
}
