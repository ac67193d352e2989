/**
 * The protocol a reader session runs, as the card panel names it ("Demo reader, protocol
 * T=0"): taken from the CCID slot session the driver negotiated (SetParameters'
 * bProtocolNum), never guessed from the ATR alone; unknown (null) while no card session
 * is open, and again after the card leaves.
 */
import { describe, expect, it } from 'vitest';
import { simConfig, SimUsbReader, type SimLevel } from '../../src/reader/sim-usb-reader/index.ts';
import { ReaderLink } from '../../src/reader/session-link.ts';
import { ccidSource } from '../../src/reader/session-sources.ts';
import { openReader } from '../../src/reader/webusb.ts';
import { atrWith, TestCard } from './test-card.ts';

async function linkWith(level: SimLevel, atr: Uint8Array) {
  const sim = new SimUsbReader(simConfig(level));
  sim.insertCard(new TestCard(atr));
  return { sim, link: new ReaderLink(ccidSource(await openReader(sim))) };
}

describe('the protocol of a reader session', () => {
  it('a T=0-only card at a T=0 character-level reader: T=0 once the card session is open', async () => {
    const { link } = await linkWith('character-t0', atrWith({ t1: false }));
    expect(link.protocol()).toBeNull();
    await link.withCard(() => Promise.resolve());
    expect(link.protocol()).toBe('T=0');
    await link.close();
  });

  it('a card offering T=0 and T=1 at a TPDU T=1 reader: T=1; after the session is dropped, unknown again', async () => {
    const { link } = await linkWith('tpdu-t1', atrWith({ t0: true, t1: true }));
    await link.withCard(() => Promise.resolve());
    expect(link.protocol()).toBe('T=1');
    link.resetSession();
    expect(link.protocol()).toBeNull();
    await link.close();
  });

  it('the card taken out: the session is gone and so is its protocol', async () => {
    const { sim, link } = await linkWith('tpdu-t1', atrWith({ t0: false, t1: true }));
    await link.withCard(() => Promise.resolve());
    expect(link.protocol()).toBe('T=1');
    const removed = new Promise<void>((res) => link.onEvent((e) => e.type === 'removed' && res()));
    sim.removeCard();
    await removed;
    expect(link.protocol()).toBeNull();
    await link.close();
  });
});
