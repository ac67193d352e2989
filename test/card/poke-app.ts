/**
 * A minimal test application: 80 50 P1P2=offset data -> writes data at offset of its
 * area; 80 52 P1P2=offset Le -> reads; 80 54 -> clears its restore-executed flag. Lets card tests change memory through the real
 * OS path (AppContext, changed table, backup lock) without depending on the real apps.
 */
import type { CardApplication } from '../../src/card-sim/app-api.ts';
import { fromHex } from '../../src/protocol/bytes.ts';

export function pokeApp(aidHex = 'A0000009990299', areaSize = 16 * 1024): CardApplication {
  return {
    aid: fromHex(aidHex),
    name: 'poke',
    areaSize,
    holdsValue: false,
    install(ctx, seed) {
      const fill = typeof seed.fill === 'number' ? seed.fill : 0x11;
      ctx.write(0, new Uint8Array(Math.min(areaSize, 512)).fill(fill));
    },
    process(cmd, ctx) {
      const offset = (cmd.p1 << 8) | cmd.p2;
      if (cmd.ins === 0x50) {
        if (offset + cmd.data.length > ctx.areaSize) return { data: new Uint8Array(0), sw: 0x6a80 };
        ctx.write(offset, cmd.data);
        return { data: new Uint8Array(0), sw: 0x9000 };
      }
      if (cmd.ins === 0x54) {
        ctx.clearRestored();
        return { data: Uint8Array.of(ctx.wasRestored() ? 1 : 0), sw: 0x9000 };
      }
      if (cmd.ins === 0x52) return { data: ctx.read(offset, Math.min(cmd.ne || 256, ctx.areaSize - offset)), sw: 0x9000 };
      return { data: new Uint8Array(0), sw: 0x6d00 };
    },
  };
}
