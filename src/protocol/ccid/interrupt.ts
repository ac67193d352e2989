/**
 * Interrupt-IN messages (CCID rev 1.1 §6.3): RDR_to_PC_NotifySlotChange (0x50) and
 * RDR_to_PC_HardwareError (0x51).
 */
import { fail, ok, type Decoded } from '../result.ts';
import { INTERRUPT } from './constants.ts';

export interface SlotChange {
  present: boolean;
  changed: boolean;
}

export type InterruptMessage =
  | { type: 'NotifySlotChange'; slots: SlotChange[] }
  | { type: 'HardwareError'; slot: number; seq: number; code: number };

/**
 * bmSlotICCState packs two bits per slot, slot 0 in the low bits of the first byte:
 * bit 0 = card present, bit 1 = changed since last notification (§6.3.1). The message
 * is 1 + ceil(2 * slots / 8) bytes.
 */
export function encodeNotifySlotChange(slots: readonly SlotChange[]): Uint8Array {
  const out = new Uint8Array(1 + Math.ceil((2 * slots.length) / 8));
  out[0] = INTERRUPT.NotifySlotChange;
  slots.forEach((s, i) => {
    const bits = (s.present ? 1 : 0) | (s.changed ? 2 : 0);
    const at = 1 + (i >>> 2);
    out[at] = (out[at] as number) | (bits << ((i & 3) * 2));
  });
  return out;
}

export function encodeHardwareError(slot: number, seq: number, code: number): Uint8Array {
  return Uint8Array.of(INTERRUPT.HardwareError, slot, seq, code);
}

export function decodeInterrupt(b: Uint8Array): Decoded<InterruptMessage> {
  const what = 'CCID interrupt message';
  if (b.length === 0) return fail(what, 'empty');
  const t = b[0] as number;
  if (t === INTERRUPT.NotifySlotChange) {
    if (b.length < 2) return fail(what, 'NotifySlotChange without bmSlotICCState', 1);
    const slots: SlotChange[] = [];
    for (let i = 0; i < (b.length - 1) * 4; i++) {
      const bits = ((b[1 + (i >>> 2)] as number) >>> ((i & 3) * 2)) & 3;
      slots.push({ present: (bits & 1) !== 0, changed: (bits & 2) !== 0 });
    }
    return ok({ type: 'NotifySlotChange', slots });
  }
  if (t === INTERRUPT.HardwareError) {
    if (b.length !== 4) return fail(what, `HardwareError is 4 bytes, got ${b.length}`);
    // bHardwareErrorCode 0x01 = overcurrent (§6.3.2)
    return ok({ type: 'HardwareError', slot: b[1] as number, seq: b[2] as number, code: b[3] as number });
  }
  return fail(what, `unknown bMessageType 0x${t.toString(16)}`, 0);
}
