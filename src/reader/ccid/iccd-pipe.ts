/**
 * ICCD version B (USB ICCD rev 1.0, bInterfaceProtocol 2): the CCID messages of one
 * slot carried by class requests on the control pipe, as libccid does it
 * (src/commands.c, the PROTOCOL_ICCD_B branches of CmdPowerOn, CmdPowerOff,
 * CmdGetSlotStatus, CCID_Transmit and CCID_Receive):
 *   ICC_POWER_ON  0x62 (OUT, wValue 1), then DATA_BLOCK
 *   ICC_POWER_OFF 0x63 (OUT)
 *   XFR_BLOCK     0x65 (OUT, wValue = wLevelParameter << 8, the data)
 *   DATA_BLOCK    0x6F (IN): bResponseType, then abData. 00 = complete; 01, 02, 03, 10 =
 *                 chaining as bChainParameter; 40 = status (bStatus, bError);
 *                 80 = busy, poll again after wDelay × 10 ms
 *   GET_ICC_STATUS 0x81 (IN): bResponseType, bStatus, bError
 * Answers are turned into the RDR_to_PC messages the slot already understands.
 */
import type { RdrToPc } from '../../protocol/ccid/rdr-to-pc.ts';
import { ReaderError } from '../errors.ts';
import { mapTransferError } from '../webusb-errors.ts';
import { IccdControlPipe } from './iccd-control.ts';
import type { MessagePipe } from './message-pipe.ts';
import type { Outgoing } from './pipe.ts';

export const ICCD_REQUEST = { PowerOn: 0x62, PowerOff: 0x63, XfrBlock: 0x65, DataBlock: 0x6f, SlotStatus: 0x81 } as const;
const RESPONSE = { Status: 0x40, Polling: 0x80 } as const;
/** libccid caps an ICCD B read at 0x1000 bytes (CmdXfrBlockAPDU_extended). */
const MAX_READ = 0x1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class IccdBPipe extends IccdControlPipe implements MessagePipe {
  async command(msg: Outgoing, timeoutMs: number, signal?: AbortSignal): Promise<RdrToPc> {
    const seq = this.nextSeq();
    const reply = (type: RdrToPc['type'], status: number[], data: Uint8Array = new Uint8Array(0), specific = 0): RdrToPc => ({
      type,
      slot: msg.slot,
      seq,
      bStatus: status[0] ?? 0,
      bError: status[1] ?? 0,
      specific,
      data,
    });
    try {
      switch (msg.type) {
        case 'IccPowerOn': {
          await this.out(ICCD_REQUEST.PowerOn, 1, new Uint8Array(0));
          const b = await this.dataBlock(timeoutMs, signal);
          return 'status' in b ? reply('DataBlock', b.status) : reply('DataBlock', [0, 0], b.data);
        }
        case 'IccPowerOff':
          await this.out(ICCD_REQUEST.PowerOff, 0, new Uint8Array(0));
          return reply('SlotStatus', (await this.slotStatus()).slice(0, 2));
        case 'GetSlotStatus':
          return reply('SlotStatus', (await this.slotStatus()).slice(0, 2));
        case 'XfrBlock': {
          await this.out(ICCD_REQUEST.XfrBlock, (msg.levelParameter & 0xff) << 8, msg.data);
          const b = await this.dataBlock(timeoutMs, signal);
          return 'status' in b ? reply('DataBlock', b.status) : reply('DataBlock', [0, 0], b.data, b.chain);
        }
        default:
          // bError 0 = command not supported (CCID §6.2.6), as a reader without it answers.
          return reply(msg.type === 'SetParameters' || msg.type === 'GetParameters' || msg.type === 'ResetParameters' ? 'Parameters' : 'SlotStatus', [0x40, 0]);
      }
    } catch (e) {
      const mapped = e instanceof ReaderError ? e : mapTransferError(e);
      if (mapped.code === 'DEVICE_GONE') this.dead = mapped;
      throw mapped;
    }
  }

  private async slotStatus(): Promise<number[]> {
    const b = await this.in(ICCD_REQUEST.SlotStatus, 3);
    if (b.length < 2) throw new ReaderError('PROTOCOL_ERROR', `ICCD slot status of ${b.length} bytes`);
    return [b[1] as number, b[2] ?? 0];
  }

  /** DATA_BLOCK until the reader stops saying busy; a status answer is a failure. */
  private async dataBlock(timeoutMs: number, signal: AbortSignal | undefined): Promise<{ data: Uint8Array; chain: number } | { status: number[] }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (signal?.aborted) throw new ReaderError('ABORTED', undefined, { cause: signal.reason });
      if (this.dead) throw this.dead;
      const b = await this.in(ICCD_REQUEST.DataBlock, MAX_READ);
      const type = b[0];
      if (type === undefined) throw new ReaderError('PROTOCOL_ERROR', 'empty ICCD data block');
      if (type === RESPONSE.Polling) {
        if (Date.now() > deadline) throw new ReaderError('TIMEOUT', `no answer within ${timeoutMs} ms`);
        await sleep((((b[2] ?? 0) << 8) | (b[1] ?? 0) || 1) * 10);
        continue;
      }
      // Status information: bStatus, bError with the command-failed bit set.
      if (type === RESPONSE.Status) return { status: [(b[1] ?? 0) | 0x40, b[2] ?? 0] };
      if (type === 0x00 || type === 0x01 || type === 0x02 || type === 0x03 || type === 0x10) return { data: b.subarray(1), chain: type };
      throw new ReaderError('PROTOCOL_ERROR', `unknown ICCD bResponseType 0x${type.toString(16)}`);
    }
  }
}
