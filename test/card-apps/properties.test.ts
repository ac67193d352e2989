/**
 * DESIGN.md: any input gets a status word, never an exception, and a refused command
 * changes nothing. Also: a power cut at any write of any command leaves the area as it
 * was before the command or as the command leaves it (each command is one atomic).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { command, type CommandApdu } from '../../src/protocol/apdu.ts';
import { defaultApplications } from '../../src/card-sim/apps/index.ts';
import { SW } from '../../src/protocol/status-words.ts';
import { installed, PowerCut } from './context.ts';

// The data applications; the value applications' value is the card OS's (test/card/value*.test.ts).
const apps = defaultApplications().filter((a) => !a.holdsValue);
const okSw = [SW.OK] as number[];

// Commands near the real ones (CLA 80, the apps' INS ranges) so most reach the handlers.
const arbCommand: fc.Arbitrary<CommandApdu> = fc
  .record({
    cla: fc.oneof(fc.constant(0x80), fc.integer({ min: 0, max: 255 })),
    ins: fc.oneof(fc.constantFrom(0x30, 0x32, 0x34, 0x36, 0x40, 0x42, 0x50, 0x52, 0x60, 0x62, 0x64, 0x70, 0x72, 0x74, 0x76), fc.integer({ min: 0, max: 255 })),
    p1: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 255 })),
    p2: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
    data: fc.uint8Array({ maxLength: 80 }),
    ne: fc.integer({ min: 0, max: 300 }),
  })
  .map((c) => command(c.cla, c.ins, c.p1, c.p2, c.data, c.ne));

describe('every application, any command', () => {
  it('answers a status word, never throws, and a refusal changes nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: apps.length - 1 }), fc.boolean(), fc.boolean(), fc.array(arbCommand, { maxLength: 6 }), (i, pin, restored, cmds) => {
        const app = apps[i];
        if (!app) return;
        const ctx = installed(app);
        ctx.pin = pin;
        ctx.restored = restored;
        for (const cmd of cmds) {
          const before = ctx.snapshot();
          const r = app.process(cmd, ctx);
          expect(typeof r.sw).toBe('number');
          if (!okSw.includes(r.sw)) expect(ctx.snapshot()).toBe(before);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a power cut at any write of any command leaves the old or the new area', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: apps.length - 1 }), arbCommand, fc.integer({ min: 1, max: 8 }), (i, cmd, cut) => {
        const app = apps[i];
        if (!app) return;
        const whole = installed(app);
        whole.pin = true;
        const before = whole.snapshot();
        app.process(cmd, whole);
        const torn = installed(app);
        torn.pin = true;
        torn.cutAtWrite(cut);
        try {
          app.process(cmd, torn);
        } catch (e) {
          if (!(e instanceof PowerCut)) throw e;
        }
        expect([before, whole.snapshot()]).toContain(torn.snapshot());
      }),
      { numRuns: 400 },
    );
  });
});
