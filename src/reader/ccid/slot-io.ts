/** What an exchange level needs from its slot: one XfrBlock at a time. */
import type { RdrToPc } from '../../protocol/ccid/rdr-to-pc.ts';

export interface SlotIo {
  /** Send PC_to_RDR_XfrBlock, return the RDR_to_PC_DataBlock (failures already thrown). */
  xfr(data: Uint8Array, options?: { bwi?: number; levelParameter?: number; signal?: AbortSignal | undefined }): Promise<RdrToPc>;
  /** dwMaxCCIDMessageLength after quirks. */
  readonly maxMessageLength: number;
}
