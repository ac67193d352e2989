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
import { t0Exchange, t1BlockExchange } from './exchange-tpdu.ts';
import { chooseProtocol, negotiate } from './negotiate.ts';
import type { CcidPipe } from './pipe.ts';
import type { SlotIo } from './slot-io.ts';
import { blockWaitingTimeMs, readTimeoutMs, workWaitingTimeMs } from './timeouts.ts';

/** 'unknown' until the reader first reports on the slot (interrupt or GetSlotStatus). */
export type SlotState = 'unknown' | 'absent' | 'present' | 'active';

export interface SlotSession {
  atr: Atr;
  protocol: 0 | 1;
  fiDi: number;
}

export interface SlotDeps {
  pipe: CcidPipe;
  mutex: Mutex;
  caps: ReaderCapabilities;
  clockKHz: number;
  minTimeoutMs: number;
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
    // One decision for every reader path (src/reader/session-limits.ts).
    return apduLimits({ protocol: s.protocol, extendedLength: s.atr.history.extendedLength }, { kind: 'ccid', level: this.deps.caps.level });
  }

  /** Power the card on, read its ATR, negotiate. Returns the session. */
  connect(signal?: AbortSignal): Promise<SlotSession> {
    return this.deps.mutex.run(async () => {
      this.signal = signal;
      this.session = undefined;
      this.t1 = undefined;
      this.timeoutMs = readTimeoutMs(0, this.deps.minTimeoutMs);
      const on = await this.command({ type: 'IccPowerOn', slot: this.index, powerSelect: 0 }, 'DataBlock', false, signal);
      const parsed = parseAtr(on.data);
      if (!parsed.ok) throw new ReaderError('CARD_MUTE', `unreadable ATR: ${parsed.error.message}`, { cause: parsed.error });
      const atr = parsed.value;
      const { caps } = this.deps;
      const protocol = chooseProtocol(atr, caps);
      const io = this.io();
      const fiDi = await negotiate(atr, protocol, caps, {
        xfrRaw: async (d) => (await io.xfr(d)).data,
        setParameters: async (p, data) => {
          await this.command({ type: 'SetParameters', slot: this.index, protocol: p, data }, 'Parameters', true, signal);
        },
      });
      const wait =
        protocol === 1 ? blockWaitingTimeMs(atr.bwi, this.deps.clockKHz, atr.fi, atr.di) : workWaitingTimeMs(atr.wi, this.deps.clockKHz, atr.fi);
      this.timeoutMs = readTimeoutMs(wait, this.deps.minTimeoutMs);
      if (protocol === 1 && (caps.level === 'tpdu' || caps.level === 'character')) {
        this.t1 = new T1Host(t1BlockExchange(this.io()), { edc: atr.crc ? 'crc' : 'lrc', ifsc: atr.ifsc });
        if (!(caps.features & FEATURE.AutoIfsd)) await this.t1Call(() => (this.t1 as T1Host).negotiateIfsd(Math.min(caps.maxIfsd || 254, 254)));
      }
      this.state = 'active';
      this.removedSinceConnect = false;
      this.session = { atr, protocol, fiDi };
      return this.session;
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
        if (level === 'character') throw new ReaderError('UNSUPPORTED', 'T=0 at character level');
        return t0Exchange(io, apdu, signal);
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
    msg: Parameters<CcidPipe['command']>[0],
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
