/**
 * The host tests' application: a scratch area written by one command, 80 5A, data =
 * offset u16 ‖ bytes.
 * It changes memory through the card's real write path (AppContext: changed-page
 * table, "no writes during a backup"), which is all the host tests need.
 */
import type { CardApplication } from '../../src/card-sim/app-api.ts';
import { fromHex } from '../../src/protocol/bytes.ts';

export const SCRATCH_AID = 'A00000099902F0';
export const INS_SCRATCH_WRITE = 0x5a;

export function scratchApp(areaSize: number): CardApplication {
  const none = new Uint8Array(0);
  return {
    aid: fromHex(SCRATCH_AID),
    name: 'scratch',
    areaSize,
    holdsValue: false,
    install(ctx) {
      // Something other than zeros, so a restore that skipped a page would show.
      for (let o = 0; o < areaSize; o += 1024) ctx.write(o, new Uint8Array(Math.min(1024, areaSize - o)).fill((o / 1024) & 0xff));
    },
    process(cmd, ctx) {
      if (cmd.ins !== INS_SCRATCH_WRITE || cmd.data.length < 2) return { data: none, sw: 0x6d00 };
      const at = ((cmd.data[0] as number) << 8) | (cmd.data[1] as number);
      const bytes = cmd.data.subarray(2);
      if (at + bytes.length > ctx.areaSize) return { data: none, sw: 0x6a80 };
      ctx.write(at, bytes);
      return { data: none, sw: 0x9000 };
    },
  };
}
