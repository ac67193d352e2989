/**
 * After the ATR: choose the protocol, then PPS and SetParameters when the reader does
 * not do them itself, in the order of libccid's IFDHSetProtocolParameters()
 * (src/ifdhandler.c):
 *   dwFeatures 0x40 (automatic parameter negotiation): the reader does everything; no
 *     PPS, no SetParameters.
 *   Speed: chooseSpeed() (speed.ts), from TA1 and what the reader declares.
 *   PPS (ISO/IEC 7816-3 §9), at any exchange level, unless the reader does it (0x80)
 *     or the card is in specific mode (TA2): when the protocol is not the card's
 *     default or a speed is asked for. A card that does not echo it fails the
 *     negotiation with PpsRefused; the slot then resets the card and uses its default
 *     protocol at the default speed, which needs no PPS (7816-3 §9.3: after a failed
 *     PPS the interface device resets or rejects the card). libccid answers
 *     IFD_ERROR_PTS_FAILURE and pcscd rejects the card (pcsc-lite prothandler.c
 *     PHSetProtocol: SET_PROTOCOL_PPS_FAILED -> SCARD_W_UNRESPONSIVE_CARD); we take the
 *     other branch the standard allows, so such a card still works.
 *   Specific mode with implicit parameters (TA2 b5) is refused, as libccid does.
 *   Then PC_to_RDR_SetParameters with the T=0 or T=1 structure.
 */
import type { Atr } from '../../protocol/atr.ts';
import { decodePps, encodePps } from '../../protocol/atr-pps.ts';
import type { ReaderCapabilities } from '../../protocol/ccid/class-descriptor.ts';
import { FEATURE } from '../../protocol/ccid/constants.ts';
import { encodeParameters, type ProtocolParameters } from '../../protocol/ccid/parameters.ts';
import { equal } from '../../protocol/bytes.ts';
import { ReaderError } from '../errors.ts';
import { chooseSpeed, DEFAULT_FIDI, type ReaderSpeed } from './speed.ts';

export interface NegotiationSteps {
  xfrRaw(data: Uint8Array): Promise<Uint8Array>;
  setParameters(protocol: number, data: Uint8Array): Promise<void>;
}

export interface NegotiationContext {
  caps: ReaderCapabilities;
  speed: ReaderSpeed;
  /** Quirk: the reader cannot do PPS (O2Micro OZ776): use the card's default protocol. */
  noPps: boolean;
  /** After a refused PPS: default protocol, default speed, no PPS. */
  defaultsOnly: boolean;
}

export interface Negotiated {
  protocol: 0 | 1;
  /** The Fi/Di byte in force afterwards. */
  fiDi: number;
  /** Whether the host sent a PPS the card accepted. */
  pps: boolean;
}

/** The card did not echo our PPS request (ISO/IEC 7816-3 §9.3). */
export class PpsRefused extends Error {
  readonly code = 'PPS_REFUSED' as const;
  constructor(readonly request: Uint8Array, readonly answer: Uint8Array | undefined, options?: { cause?: unknown }) {
    super('the card refused the protocol and speed change (PPS)', options);
    this.name = 'PpsRefused';
  }
}

const usable = (t: number, caps: ReaderCapabilities) => (t === 0 && caps.t0) || (t === 1 && caps.t1);

export function chooseProtocol(atr: Atr, caps: ReaderCapabilities, defaultsOnly = false): 0 | 1 {
  // Specific mode (TA2 present, §8.3): the card runs that protocol only.
  if (atr.specificProtocol !== undefined) {
    if (atr.specificProtocol !== 0 && atr.specificProtocol !== 1) throw new ReaderError('UNSUPPORTED', `card is fixed to T=${atr.specificProtocol}`);
    if (!usable(atr.specificProtocol, caps)) throw new ReaderError('UNSUPPORTED', `reader cannot do the card's T=${atr.specificProtocol}`);
    return atr.specificProtocol;
  }
  const first = atr.protocols[0] ?? 0;
  if (defaultsOnly) {
    if ((first === 0 || first === 1) && usable(first, caps)) return first;
    throw new ReaderError('UNSUPPORTED', `card runs its default protocol T=${first} (no PPS: the card refused it, or the reader has none), reader supports${caps.t0 ? ' T=0' : ''}${caps.t1 ? ' T=1' : ''}`);
  }
  // Prefer T=1: its blocks carry extended APDUs and long answers without GET RESPONSE.
  if (atr.protocols.includes(1) && usable(1, caps)) return 1;
  if (atr.protocols.includes(0) && usable(0, caps)) return 0;
  throw new ReaderError('UNSUPPORTED', `card offers T=${atr.protocols.join(',')}, reader supports${caps.t0 ? ' T=0' : ''}${caps.t1 ? ' T=1' : ''}`);
}

export function parametersFor(atr: Atr, protocol: 0 | 1, fiDi: number): ProtocolParameters {
  const inverse = atr.convention === 'inverse';
  if (protocol === 0) return { protocol, fiDi, inverse, guardTime: atr.extraGuardTime, waitingInteger: atr.wi, clockStop: 0 };
  return { protocol, fiDi, inverse, crc: atr.crc, guardTime: atr.extraGuardTime, bwi: atr.bwi, cwi: atr.cwi, clockStop: 0, ifsc: atr.ifsc, nad: 0 };
}

export async function negotiate(atr: Atr, chosen: 0 | 1, ctx: NegotiationContext, steps: NegotiationSteps): Promise<Negotiated> {
  const { caps } = ctx;
  const ta1 = atr.groups[0]?.ta;
  if (caps.features & FEATURE.AutoParameterNegotiation) return { protocol: chosen, fiDi: ta1 ?? DEFAULT_FIDI, pps: false };
  const specific = atr.specificProtocol !== undefined;
  let protocol = chosen;
  let fiDi = DEFAULT_FIDI;
  if (!ctx.defaultsOnly) {
    const speed = chooseSpeed(ta1, specific, ctx.speed);
    if ('refuse' in speed) throw new ReaderError('UNSUPPORTED', speed.refuse);
    fiDi = speed.fiDi;
  }
  let pps = false;
  const defaultProtocol = atr.protocols[0] ?? 0;
  if (!(caps.features & FEATURE.AutoPps) && !specific && (protocol !== defaultProtocol || fiDi !== DEFAULT_FIDI)) {
    if (ctx.noPps) {
      if (defaultProtocol !== 0 && defaultProtocol !== 1) throw new ReaderError('UNSUPPORTED', `this reader cannot do PPS and the card's default is T=${defaultProtocol}`);
      protocol = defaultProtocol;
    } else {
      const request = encodePps({ protocol, fiDi: fiDi === DEFAULT_FIDI ? undefined : fiDi });
      let echo: Uint8Array | undefined;
      try {
        echo = await steps.xfrRaw(request);
      } catch (e) {
        // A card that does not answer the PPS is a refusal too (§9.3); losing the reader is not.
        if (e instanceof ReaderError && (e.code === 'CARD_MUTE' || e.code === 'TIMEOUT' || e.code === 'READER_FAILED' || e.code === 'PROTOCOL_ERROR')) {
          throw new PpsRefused(request, undefined, { cause: e });
        }
        throw e;
      }
      if (!decodePps(echo).ok || !equal(echo, request)) throw new PpsRefused(request, echo);
      pps = true;
    }
  }
  // TA2 b5: the card's parameters are implicit (not from TA1); libccid refuses such cards.
  const ta2 = atr.groups[1]?.ta;
  if (ta2 !== undefined && ta2 & 0x10) throw new ReaderError('UNSUPPORTED', 'the card is in specific mode with implicit parameters (TA2 b5), which this driver does not support (nor does libccid)');
  await steps.setParameters(protocol, encodeParameters(parametersFor(atr, protocol, fiDi)));
  return { protocol, fiDi, pps };
}
