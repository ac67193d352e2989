/**
 * Every parser in the host's command table (src/host/command-table.ts) fed random
 * answers: it either reads them or refuses with a CardError carrying a code and the
 * status word, never a TypeError, RangeError or a silent wrong shape.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/host/command-table.ts';
import { command, send } from '../../src/host/command.ts';
import { CardError } from '../../src/protocol/commands/index.ts';

const answers = fc.oneof(
  fc.uint8Array({ maxLength: 700 }),
  // Random data with a success status word, so the data decoders run too.
  fc.uint8Array({ maxLength: 700 }).map((d) => Uint8Array.of(...d, 0x90, 0x00)),
  // Any status word with no data.
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => Uint8Array.of(a, b)),
);

describe('command table', () => {
  for (const [name, codec] of Object.entries(COMMANDS)) {
    it(`${name}: any answer is read or refused with a CardError`, () => {
      fc.assert(
        fc.property(answers, fc.integer({ min: 1, max: 512 }), (answer, pageSize) => {
          try {
            codec.parseResponse(answer, pageSize);
          } catch (e) {
            expect(e).toBeInstanceOf(CardError);
            const err = e as CardError;
            expect(typeof err.code).toBe('string');
            expect(Number.isInteger(err.sw)).toBe(true);
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it('send puts the named command on the wire and parses its answer', async () => {
    const sent: Uint8Array[] = [];
    const t = {
      limits: { maxCommandData: 255, maxResponseData: 256, extendedLength: false },
      transmit: (apdu: Uint8Array) => {
        sent.push(apdu);
        return Promise.resolve(Uint8Array.of(0x63, 0xc2));
      },
    };
    const err = await send(t, command('VERIFY', '1234')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CardError);
    expect((err as CardError).code).toBe('WRONG_PIN');
    expect((err as CardError).triesLeft).toBe(2);
    expect(Array.from(sent[0] ?? [])).toEqual([0x00, 0x20, 0x00, 0x81, 0x04, 0x31, 0x32, 0x33, 0x34]);
  });

  it('a command its codec refuses is never sent', async () => {
    expect(() => command('VERIFY', '12')).toThrow(TypeError);
  });
});

describe('the table lists every command', () => {
  it('every codec src/protocol/commands exports (getApdu + parseResponse) is a row of the table', async () => {
    const modules = [await import('../../src/protocol/commands/index.ts'), await import('../../src/protocol/commands/apps/index.ts')];
    const rows = new Set<unknown>(Object.values(COMMANDS));
    const missing: string[] = [];
    for (const m of modules)
      for (const [name, value] of Object.entries(m)) {
        const codec = value as { getApdu?: unknown; parseResponse?: unknown } | null;
        if (typeof codec === 'object' && codec !== null && typeof codec.getApdu === 'function' && typeof codec.parseResponse === 'function' && !rows.has(codec)) missing.push(name);
      }
    expect(missing).toEqual([]);
  });
});
