/**
 * ICCD version A (USB ICCD rev 1.0, bInterfaceProtocol 1): class requests on the control
 * pipe, no CCID messages, T=0 with the device moving the procedure bytes; the host
 * follows the exchange by polling the ICC status. As libccid does it (src/commands.c,
 * the PROTOCOL_ICCD_A branches of CmdPowerOn, CmdPowerOff, CmdGetSlotStatus,
 * CCID_Transmit, CCID_Receive and CmdXfrBlockCHAR_T0):
 *   ICC_POWER_OFF  0x63 (OUT), then status until not busy, then ICC_POWER_ON 0x62 (IN):
 *                  the ATR
 *   GET_ICC_STATUS 0xA0 (IN, 1 byte): 0x40 busy (poll again), 0x80 no card / mute,
 *                  0x10 the card wants data (send the rest, or read the answer's data),
 *                  0x20 SW1 SW2 ready
 *   XFR_BLOCK      0x65 (OUT): the 5-byte header, then (after 0x10) the command data
 *   DATA_BLOCK     0x6F (IN): answer data (after 0x10), or SW1 SW2 (after 0x20)
 * The slot sends one T=0 TPDU per XfrBlock with wLevelParameter = the answer data it
 * expects (exchange-iccd-a.ts); this pipe turns it into that sequence and answers with
 * a RDR_to_PC_DataBlock of data + SW1 SW2, so the slot's power, removal and error
 * handling stay the same code. With a T=1 card (its default protocol: no PPS here) a
 * T=1 block goes as libccid's t1_xcv sends it at TPDU level: XFR_BLOCK with the whole
 * block, GET_ICC_STATUS until not busy (CCID_Receive's ICCD_A branch), DATA_BLOCK asking
 * for a whole block (3 + 254 + 2 bytes, proto-t1.c's buffer); the block's LEN says how
 * much of the answer is the block.
 */
import { concat } from '../../protocol/bytes.ts';
import type { RdrToPc } from '../../protocol/ccid/rdr-to-pc.ts';
import { ReaderError } from '../errors.ts';
import { mapTransferError } from '../webusb-errors.ts';
import { IccdControlPipe } from './iccd-control.ts';
import type { MessagePipe } from './message-pipe.ts';
import type { Outgoing } from './pipe.ts';

export const ICCD_A_REQUEST = { PowerOn: 0x62, PowerOff: 0x63, XfrBlock: 0x65, DataBlock: 0x6f, IccStatus: 0xa0 } as const;
export const ICCD_A_STATUS = { Busy: 0x40, Mute: 0x80, Data: 0x10, StatusWords: 0x20 } as const;
/** libccid: "if a size > 0x1000 is used then usb_control_msg() fails". */
const MAX_READ = 0x1000;
const ATR_MAX = 33;
const ICC_MUTE = 0xfe;
/** proto-t1.c T1_BUFFER_SIZE: prologue, the largest INF, a CRC. */
const T1_BLOCK_MAX = 3 + 254 + 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class IccdAPipe extends IccdControlPipe implements MessagePipe {
  /** What XfrBlocks carry: T=0 TPDUs until the slot says T=1 (protocolInForce). */
  private protocol: 0 | 1 = 0;

  protocolInForce(_slot: number, protocol: 0 | 1): void {
    this.protocol = protocol;
  }

  async command(msg: Outgoing, timeoutMs: number, signal?: AbortSignal): Promise<RdrToPc> {
    const seq = this.nextSeq();
    const reply = (type: RdrToPc['type'], bStatus: number, bError = 0, data: Uint8Array = new Uint8Array(0)): RdrToPc => ({ type, slot: msg.slot, seq, bStatus, bError, specific: 0, data });
    try {
      switch (msg.type) {
        case 'IccPowerOn': {
          // libccid: power off first "to reset the ICC state machine", wait for ready, power on.
          this.protocol = 0;
          await this.out(ICCD_A_REQUEST.PowerOff, 0, new Uint8Array(0));
          if ((await this.status(timeoutMs, signal)) === ICCD_A_STATUS.Mute) return reply('DataBlock', 0x42, ICC_MUTE);
          const atr = await this.in(ICCD_A_REQUEST.PowerOn, ATR_MAX);
          return atr.length === 0 ? reply('DataBlock', 0x41, ICC_MUTE) : reply('DataBlock', 0, 0, atr);
        }
        case 'IccPowerOff':
          await this.out(ICCD_A_REQUEST.PowerOff, 0, new Uint8Array(0));
          return reply('SlotStatus', 0x01);
        case 'GetSlotStatus':
          return reply('SlotStatus', (await this.status(timeoutMs, signal)) === ICCD_A_STATUS.Mute ? 0x02 : 0x00);
        case 'XfrBlock':
          if (this.protocol === 1) return reply('DataBlock', 0, 0, await this.t1Block(msg.data, timeoutMs, signal));
          return reply('DataBlock', 0, 0, await this.tpdu(msg.data, msg.levelParameter, timeoutMs, signal));
        default:
          // ICCD rev 1.0 has no parameter or other requests (effectiveDescriptor marks the
          // device as negotiating by itself, so none is sent); bError 0 = not supported (CCID §6.2.6).
          return reply(msg.type === 'SetParameters' || msg.type === 'GetParameters' || msg.type === 'ResetParameters' ? 'Parameters' : 'SlotStatus', 0x40, 0);
      }
    } catch (e) {
      const mapped = e instanceof ReaderError ? e : mapTransferError(e);
      if (mapped.code === 'DEVICE_GONE') this.dead = mapped;
      throw mapped;
    }
  }

  /** CmdXfrBlockCHAR_T0, ICCD A branch: header, status, data either way, status, SW1 SW2. */
  private async tpdu(tpdu: Uint8Array, expected: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
    if (tpdu.length < 5) throw new ReaderError('PROTOCOL_ERROR', `a T=0 header is 5 bytes, not ${tpdu.length}`);
    await this.out(ICCD_A_REQUEST.XfrBlock, 0, tpdu.subarray(0, 5));
    let data: Uint8Array = new Uint8Array(0);
    if ((await this.status(timeoutMs, signal)) === ICCD_A_STATUS.Data) {
      if (tpdu.length > 5) await this.out(ICCD_A_REQUEST.XfrBlock, 0, tpdu.subarray(5));
      else data = await this.in(ICCD_A_REQUEST.DataBlock, Math.min(expected, MAX_READ));
    }
    const after = await this.status(timeoutMs, signal);
    if (after === ICCD_A_STATUS.Mute) throw new ReaderError('CARD_REMOVED', 'the ICCD device reports no card');
    if (after !== ICCD_A_STATUS.StatusWords) throw new ReaderError('PROTOCOL_ERROR', `ICCD status 0x${after.toString(16)} after the command, not 0x20 (SW1 SW2 ready)`);
    const sw = await this.in(ICCD_A_REQUEST.DataBlock, 2);
    if (sw.length !== 2) throw new ReaderError('PROTOCOL_ERROR', `ICCD answered ${sw.length} bytes for SW1 SW2`);
    return concat(data, sw);
  }

  /** t1_xcv at TPDU level, ICCD_A branches: the block out, status until not busy, the answer block in. */
  private async t1Block(block: Uint8Array, timeoutMs: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
    await this.out(ICCD_A_REQUEST.XfrBlock, 0, block);
    if ((await this.status(timeoutMs, signal)) === ICCD_A_STATUS.Mute) throw new ReaderError('CARD_REMOVED', 'the ICCD device reports no card');
    const answer = await this.in(ICCD_A_REQUEST.DataBlock, T1_BLOCK_MAX);
    if (answer.length < 3) throw new ReaderError('PROTOCOL_ERROR', `ICCD answered ${answer.length} bytes for a T=1 block`);
    return answer;
  }

  /** GET_ICC_STATUS until not busy (libccid polls every 10 ms). */
  private async status(timeoutMs: number, signal: AbortSignal | undefined): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (signal?.aborted) throw new ReaderError('ABORTED', undefined, { cause: signal.reason });
      if (this.dead) throw this.dead;
      const b = await this.in(ICCD_A_REQUEST.IccStatus, 1);
      const s = b[0];
      if (s === undefined) throw new ReaderError('PROTOCOL_ERROR', 'empty ICCD status');
      if (!(s & ICCD_A_STATUS.Busy)) return s;
      if (Date.now() > deadline) throw new ReaderError('TIMEOUT', `the ICCD device stayed busy for ${timeoutMs} ms`);
      await sleep(10);
    }
  }
}
