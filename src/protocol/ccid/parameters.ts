/**
 * abProtocolDataStructure of PC_to_RDR_SetParameters / RDR_to_PC_Parameters
 * (CCID rev 1.1 §6.1.7): 5 bytes for T=0, 7 bytes for T=1.
 */
import { fail, ok, type Decoded } from '../result.ts';

export interface T0Parameters {
  protocol: 0;
  /** bmFindexDindex: Fi index high nibble, Di index low nibble (TA1). */
  fiDi: number;
  /** bmTCCKST0 bit 1: inverse convention. */
  inverse: boolean;
  /** bGuardTimeT0 (TC1). */
  guardTime: number;
  /** bWaitingIntegerT0 (TC2, WI). */
  waitingInteger: number;
  clockStop: number;
}

export interface T1Parameters {
  protocol: 1;
  fiDi: number;
  /** bmTCCKST1 bit 0: CRC instead of LRC. */
  crc: boolean;
  inverse: boolean;
  guardTime: number;
  /** BWI (high nibble) and CWI (low nibble) of bmWaitingIntegersT1. */
  bwi: number;
  cwi: number;
  clockStop: number;
  ifsc: number;
  nad: number;
}

export type ProtocolParameters = T0Parameters | T1Parameters;

export function encodeParameters(p: ProtocolParameters): Uint8Array {
  if (p.protocol === 0) return Uint8Array.of(p.fiDi, p.inverse ? 0x02 : 0, p.guardTime, p.waitingInteger, p.clockStop);
  // bmTCCKST1 bits 7-2 are 000100b (§6.1.7 table 6.1-7)
  return Uint8Array.of(p.fiDi, 0x10 | (p.inverse ? 0x02 : 0) | (p.crc ? 1 : 0), p.guardTime, (p.bwi << 4) | p.cwi, p.clockStop, p.ifsc, p.nad);
}

export function decodeParameters(protocol: number, b: Uint8Array): Decoded<ProtocolParameters> {
  const what = 'CCID protocol parameters';
  if (protocol === 0) {
    if (b.length !== 5) return fail(what, `T=0 structure is 5 bytes, got ${b.length}`);
    const [fiDi, tcck, guardTime, waitingInteger, clockStop] = b as unknown as [number, number, number, number, number];
    return ok({ protocol: 0, fiDi, inverse: (tcck & 2) !== 0, guardTime, waitingInteger, clockStop });
  }
  if (protocol === 1) {
    if (b.length !== 7) return fail(what, `T=1 structure is 7 bytes, got ${b.length}`);
    const [fiDi, tcck, guardTime, wi, clockStop, ifsc, nad] = b as unknown as [number, number, number, number, number, number, number];
    return ok({ protocol: 1, fiDi, crc: (tcck & 1) !== 0, inverse: (tcck & 2) !== 0, guardTime, bwi: wi >>> 4, cwi: wi & 0xf, clockStop, ifsc, nad });
  }
  return fail(what, `bProtocolNum ${protocol} is neither T=0 nor T=1`);
}
