/**
 * Which instructions a T=0 card answers with data (case 2: P3 is Le) rather than takes
 * data (case 3: P3 is Lc). A real card knows this from its own instruction set; the
 * simulated card at character level needs it before any data moves (ISO/IEC 7816-3
 * §10.3.3: after the header the card either sends ACK and takes P3 bytes, or sends them).
 *   Interindustry (CLA b8 = 0, ISO/IEC 7816-4 §11): READ BINARY B0/B1, READ RECORD B2/B3,
 *   GET RESPONSE C0, GET DATA CA/CB, GET CHALLENGE 84.
 *   icvault's proprietary class (src/protocol/commands/codes.ts, docs/protocol.md):
 *   GET DATA and BACKUP DATA TRANSFER are the commands without data and with Le (version 2 has no KEY EXPORT).
 */
import { CLA_PROPRIETARY, INS } from '../../protocol/commands/codes.ts';

const INTERINDUSTRY_OUTGOING = new Set([0xb0, 0xb1, 0xb2, 0xb3, 0xc0, 0xca, 0xcb, 0x84]);
const ICVAULT_OUTGOING = new Set<number>([INS.GET_DATA, INS.BACKUP_DATA_TRANSFER]);

export function icvaultT0Outgoing(cla: number, ins: number): boolean {
  if ((cla & 0x80) === 0) return INTERINDUSTRY_OUTGOING.has(ins);
  return (cla & 0xf0) === CLA_PROPRIETARY && ICVAULT_OUTGOING.has(ins);
}
