/**
 * bPowerSelect values for PC_to_RDR_IccPowerOn (CCID rev 1.1 §6.1.1: 0 automatic,
 * 1 = 5 V, 2 = 3 V, 3 = 1.8 V), in the order libccid tries them (src/commands.c
 * CmdPowerOn()):
 *   - automatic (0) only when the reader declares automatic voltage selection
 *     (dwFeatures 0x08) or automatic activation (0x04);
 *   - otherwise start at 5 V (libccid's default driver option), moved to the next
 *     value the reader declares in bVoltageSupport (5 V -> 3 V -> 1.8 V -> 5 V), and on
 *     each failed power-on step down cyclically (1 -> 3 -> 2, libccid's `voltage--`
 *     with 0 wrapping to 3) until every value was tried once.
 */
import { FEATURE } from '../../protocol/ccid/constants.ts';

export const VOLTAGE = { Auto: 0, V5: 1, V3: 2, V1_8: 3 } as const;

const SUPPORT_BIT: Record<number, number> = { 1: 0x01, 2: 0x02, 3: 0x04 };

export function powerOnSequence(dwFeatures: number, bVoltageSupport: number): number[] {
  if (dwFeatures & (FEATURE.AutoVoltage | FEATURE.AutoActivation)) return [VOLTAGE.Auto];
  let v: number = VOLTAGE.V5;
  // Move to a declared voltage; with none declared, libccid stays at 5 V.
  if (bVoltageSupport & 0x07) {
    for (let i = 0; i < 3 && !(bVoltageSupport & (SUPPORT_BIT[v] as number)); i++) v = v === 3 ? 1 : v + 1;
  }
  const out = [v];
  for (let next = v - 1 || 3; next !== v; next = next - 1 || 3) out.push(next);
  return out;
}

export const VOLTAGE_NAMES: Record<number, string> = { 0: 'automatic', 1: '5 V', 2: '3 V', 3: '1.8 V' };
