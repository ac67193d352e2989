/**
 * After the ATR: choose the protocol, then PPS and SetParameters when the reader does
 * not do them itself, then the T=1 IFSD exchange — the order libccid's
 * IFDHSetProtocolParameters() follows.
 *   dwFeatures 0x40 (automatic parameter negotiation): the reader does everything.
 *   dwFeatures 0x80 (automatic PPS): the reader does the PPS; we still SetParameters.
 *   dwFeatures 0x400 (automatic IFSD exchange): the reader sends S(IFS request) itself.
 */
import type { Atr } from '../../protocol/atr.ts';
import { decodePps, encodePps } from '../../protocol/atr-pps.ts';
import type { ReaderCapabilities } from '../../protocol/ccid/class-descriptor.ts';
import { FEATURE } from '../../protocol/ccid/constants.ts';
import { encodeParameters, type ProtocolParameters } from '../../protocol/ccid/parameters.ts';
import { equal } from '../../protocol/bytes.ts';
import { ReaderError } from '../errors.ts';

export interface NegotiationSteps {
  xfrRaw(data: Uint8Array): Promise<Uint8Array>;
  setParameters(protocol: number, data: Uint8Array): Promise<void>;
}

export function chooseProtocol(atr: Atr, caps: ReaderCapabilities): 0 | 1 {
  const usable = (t: number) => (t === 0 && caps.t0) || (t === 1 && caps.t1);
  // Specific mode (TA2 present, §8.3): the card runs that protocol only.
  if (atr.specificProtocol !== undefined) {
    if (atr.specificProtocol !== 0 && atr.specificProtocol !== 1) throw new ReaderError('UNSUPPORTED', `card is fixed to T=${atr.specificProtocol}`);
    if (!usable(atr.specificProtocol)) throw new ReaderError('UNSUPPORTED', `reader cannot do the card's T=${atr.specificProtocol}`);
    return atr.specificProtocol;
  }
  // Prefer T=1: its blocks carry extended APDUs and long answers without GET RESPONSE.
  if (atr.protocols.includes(1) && usable(1)) return 1;
  if (atr.protocols.includes(0) && usable(0)) return 0;
  throw new ReaderError('UNSUPPORTED', `card offers T=${atr.protocols.join(',')}, reader supports${caps.t0 ? ' T=0' : ''}${caps.t1 ? ' T=1' : ''}`);
}

export function parametersFor(atr: Atr, protocol: 0 | 1, fiDi: number): ProtocolParameters {
  const inverse = atr.convention === 'inverse';
  if (protocol === 0) return { protocol, fiDi, inverse, guardTime: atr.extraGuardTime, waitingInteger: atr.wi, clockStop: 0 };
  return { protocol, fiDi, inverse, crc: atr.crc, guardTime: atr.extraGuardTime, bwi: atr.bwi, cwi: atr.cwi, clockStop: 0, ifsc: atr.ifsc, nad: 0 };
}

/** Returns the Fi/Di byte in force afterwards. */
export async function negotiate(atr: Atr, protocol: 0 | 1, caps: ReaderCapabilities, steps: NegotiationSteps): Promise<number> {
  if (caps.features & FEATURE.AutoParameterNegotiation) return atr.groups[0]?.ta ?? 0x11;
  let fiDi = 0x11;
  const wanted = atr.groups[0]?.ta ?? 0x11;
  const hostDoesPps = (caps.level === 'tpdu' || caps.level === 'character') && !(caps.features & FEATURE.AutoPps);
  if (atr.specificProtocol !== undefined) fiDi = wanted;
  else if (caps.features & FEATURE.AutoPps) fiDi = wanted;
  else if (hostDoesPps && (wanted !== 0x11 || protocol !== atr.protocols[0])) {
    const request = encodePps({ protocol, fiDi: wanted === 0x11 ? undefined : wanted });
    const echo = await steps.xfrRaw(request);
    const d = decodePps(echo);
    // §9.3: success is an echo; a card answering otherwise stays on the defaults.
    if (!d.ok || !equal(echo, request)) throw new ReaderError('READER_FAILED', 'the card refused the protocol and speed change (PPS)');
    fiDi = wanted;
  }
  await steps.setParameters(protocol, encodeParameters(parametersFor(atr, protocol, fiDi)));
  return fiDi;
}
