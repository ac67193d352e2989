/**
 * Issue 10: the card keeps credit, ID and medical data back without the PIN (6982).
 * readCard answers those applications `locked` (no fields, no error); given the PIN it
 * presents it — only while no try is spent and the session is not yet verified — and
 * reads them.
 */
import { describe, expect, it } from 'vitest';
import { createTestCard } from '../../test/support/card.ts';
import { readCard } from '../../src/host/card-read.ts';
import { DirectTransport } from './direct-transport.ts';

const card = (seed: string) => createTestCard({ seed });

describe('readCard and the PIN (issue 10)', () => {
  it('without the PIN: credit, ID and medical are locked with no fields; values and the record count still read', async () => {
    const r = await readCard(new DirectTransport(card('read-locked')));
    for (const kind of ['credit', 'id', 'medical'] as const) {
      const a = r.apps.find((x) => x.kind === kind);
      expect(a?.locked, kind).toBe(true);
      expect(a?.fields, kind).toEqual([]);
    }
    expect(r.apps.find((x) => x.kind === 'medical')?.records).toBe(3);
    expect(r.apps.find((x) => x.kind === 'emoney')?.value).toEqual({ amount: 0, unit: 'yen' }); // version 2: value only by load token, none loaded here
    expect(r.apps.find((x) => x.kind === 'emoney')?.locked).toBeUndefined();
  });

  it('with the PIN: every application reads, nothing locked', async () => {
    const r = await readCard(new DirectTransport(card('read-pin')), { pin: '1234' });
    expect(r.apps.filter((a) => a.locked)).toEqual([]);
    expect(r.apps.find((x) => x.kind === 'id')?.fields.find((f) => f.id === 'name')?.value).toBe('山田 花子');
    expect(r.apps.find((x) => x.kind === 'medical')?.fields.length).toBe(3);
  });

  it('never presents the PIN once a try is spent (the holder keeps the tries left)', async () => {
    const c = card('read-tries');
    const t = new DirectTransport(c);
    await t.transmit(Uint8Array.of(0x00, 0x20, 0x00, 0x81, 0x04, 0x30, 0x30, 0x30, 0x30));
    expect(c.inspect().pinTriesLeft).toBe(2);
    const r = await readCard(t, { pin: '9999' });
    expect(c.inspect().pinTriesLeft).toBe(2);
    expect(r.apps.find((x) => x.kind === 'credit')?.locked).toBe(true);
  });
});
