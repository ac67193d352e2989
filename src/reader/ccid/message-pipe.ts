/**
 * What a slot needs from the link to its reader: one PC_to_RDR message answered by its
 * RDR_to_PC message. Bulk CCID (pipe.ts) and ICCD version B over control transfers
 * (iccd-pipe.ts) both offer it, so the slot and its exchange levels are the same code.
 */
import type { RdrToPc } from '../../protocol/ccid/rdr-to-pc.ts';
import type { ReaderError } from '../errors.ts';
import type { BusStats, Outgoing } from './pipe.ts';

export interface MessagePipe {
  command(msg: Outgoing, timeoutMs: number, signal?: AbortSignal): Promise<RdrToPc>;
  /** Fail every wait now and every call later (unplug, close). */
  kill(error: ReaderError): void;
  /** Fail the current wait only, if it is for this slot. */
  interrupt(slot: number, error: ReaderError): void;
  readonly alive: boolean;
  /** ICCD version A only: which protocol the slot's XfrBlocks now carry (iccd-a-pipe.ts: T=0 TPDUs or T=1 blocks). */
  protocolInForce?(slot: number, protocol: 0 | 1): void;
  readonly stats: BusStats;
}
