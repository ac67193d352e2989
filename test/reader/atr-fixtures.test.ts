/**
 * The ATR parser over 3803 real ATRs (Debian pcsc-tools smartcard_list.txt, concrete
 * ones only; see test/fixtures/atr/README.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAtr } from '../../src/protocol/atr.ts';
import { fromHex } from '../../src/protocol/bytes.ts';

const dir = join(import.meta.dirname, '../fixtures/atr');
const lines = (f: string) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim() !== '');

describe('ATR parser over smartcard_list.txt', () => {
  const atrs = lines('smartcard_list_atrs.txt');
  const results = atrs.map((a) => ({ a, d: parseAtr(fromHex(a)) }));
  const accepted = results.filter((r) => r.d.ok);
  const refused = results.filter((r) => !r.d.ok);

  it('reports what it accepts and refuses', () => {
    const byReason = new Map<string, number>();
    for (const r of refused) {
      const kind = r.d.ok ? '' : r.d.error.message.replace(/ \(at byte \d+\)/, '').replace(/0x[0-9a-f]+|\d+/g, 'n');
      byReason.set(kind, (byReason.get(kind) ?? 0) + 1);
    }
    console.log(`ATRs: ${atrs.length}; parsed ${accepted.length}; refused ${refused.length}`);
    for (const [k, n] of byReason) console.log(`  refused ${n}: ${k}`);
    expect(atrs).toHaveLength(3803);
    expect(accepted.length + refused.length).toBe(atrs.length);
    expect(accepted.length).toBe(3724);
  });

  it('every accepted ATR with a TCK checks out (XOR of T0..TCK is 0)', () => {
    let withTck = 0;
    for (const { a, d } of accepted) {
      if (!d.ok || d.value.tck === undefined) continue;
      withTck++;
      const b = fromHex(a);
      expect(b.subarray(1).reduce((x, v) => x ^ v, 0), a).toBe(0);
    }
    expect(withTck).toBe(1877);
  });

  it('refuses exactly the ATRs listed in refused.txt, for the reasons given', () => {
    const listed = lines('refused.txt').map((l) => l.split(' | ') as [string, string]);
    expect(refused.map((r) => [r.a, r.d.ok ? '' : r.d.error.message])).toEqual(listed);
  });

  it('refusals are genuine: checked again without the parser', () => {
    for (const { a, d } of refused) {
      if (d.ok) continue;
      const b = fromHex(a);
      if (d.error.message.includes('does not check')) expect(b.subarray(1).reduce((x, v) => x ^ v, 0)).not.toBe(0);
      else expect(d.error.message).toMatch(/TCK missing|historical bytes announced|after the end/);
    }
  });
});
