/**
 * Every size the driver decides from the reader's (quirk-corrected) descriptor, in one
 * place, so a quirk's fix reaches all of them:
 *   - the bulk-IN read: the largest answer the link can produce, not the declared
 *     dwMaxCCIDMessageLength (a reader may answer a 256-byte short answer or a T=1 block
 *     of the negotiated size in a longer message). libccid reads into a 64 KiB buffer
 *     (src/ccid_usb.c ReadUSB(), src/defs.h CMD_BUF_SIZE); we read as much as the level
 *     can produce, rounded up to whole packets so that a longer message continues in
 *     the next transfer instead of overflowing this one (USB 2.0 §5.8.3);
 *   - T=1 blocks: INF never larger than one XfrBlock of this reader carries;
 *   - APDUs at short-APDU level and T=0 TPDUs: no longer than one message carries
 *     (libccid CmdXfrBlockTPDU_T0() refuses longer ones), so command chaining and
 *     GET RESPONSE are sized to it.
 */
import type { ReaderCapabilities } from '../../protocol/ccid/class-descriptor.ts';
import { CCID_HEADER_LENGTH } from '../../protocol/ccid/constants.ts';
import type { TransportLimits } from '../../protocol/transport.ts';

/** 256 data bytes + SW1 SW2 (ISO/IEC 7816-4 §5.1, short Le = 00). */
const SHORT_ANSWER = 258;
/** NAD PCB LEN + 254 INF + CRC (ISO/IEC 7816-3 §11.3). */
const T1_BLOCK_MAX = 3 + 254 + 2;
/** 65536 data bytes + SW1 SW2 (extended Le = 0000). */
const EXTENDED_ANSWER = 65538;
/** Largest ATR (ISO/IEC 7816-3 §8.2.1). */
const ATR_MAX = 33;

export function readSizeFor(caps: ReaderCapabilities, packetSize: number): number {
  const byLevel = caps.level === 'extended-apdu' ? EXTENDED_ANSWER : caps.level === 'short-apdu' ? SHORT_ANSWER : Math.max(T1_BLOCK_MAX, SHORT_ANSWER);
  const data = Math.max(caps.maxMessageLength - CCID_HEADER_LENGTH, byLevel, ATR_MAX);
  const packet = Math.max(8, packetSize);
  return Math.ceil((CCID_HEADER_LENGTH + data) / packet) * packet;
}

/**
 * Largest INF of a T=1 block that fits one XfrBlock of this reader, at most 254. It is
 * sized by the length the reader declares, before the 263 -> 270 widening: libccid
 * applies that only to T=0 TPDUs (CmdXfrBlockTPDU_T0()), and a block that keeps
 * within the declared length is right for every reader.
 */
export function t1MaxInf(declaredMessageLength: number, edc: 'lrc' | 'crc'): number {
  const room = declaredMessageLength - CCID_HEADER_LENGTH - 3 - (edc === 'crc' ? 2 : 1);
  return Math.max(1, Math.min(254, room));
}

/** APDU limits shrunk to one message where the reader carries one APDU per message. */
export function fitToMessage(limits: TransportLimits, caps: ReaderCapabilities, protocol: 0 | 1): TransportLimits {
  const room = caps.maxMessageLength - CCID_HEADER_LENGTH;
  const oneMessage = caps.level === 'short-apdu' || ((caps.level === 'tpdu' || caps.level === 'character') && protocol === 0);
  if (!oneMessage) return limits;
  // Short APDU: CLA INS P1 P2 Lc data Le; T=0 TPDU: CLA INS P1 P2 P3 data. Answer: data SW1 SW2.
  const command = caps.level === 'short-apdu' ? room - 6 : room - 5;
  return {
    ...limits,
    maxCommandData: Math.max(1, Math.min(limits.maxCommandData, command)),
    maxResponseData: Math.max(1, Math.min(limits.maxResponseData, room - 2)),
  };
}
