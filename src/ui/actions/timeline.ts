/** Timeline loading: the count, then blocks of rows as they scroll into view. */
import type { Services } from '../services/contract.ts';
import type { Stores } from '../state/stores.ts';
import { blocksToLoad, TIMELINE_BLOCK } from '../state/timeline.ts';

export function timelineActions(services: Services, stores: Stores) {
  const { timeline } = stores;
  /** Rows in view: a reload refetches them (the list's range may not change, so it would not ask). */
  let inView: readonly [number, number] = [0, 0];

  /** The card the holder picked in the switcher stays listed (until the card in the reader changes). */
  let picked: string | null = null;

  /** The cards the vault knows; the listed card is the one picked, else the one that fits the card in the reader. */
  async function reload(keepCard = true): Promise<void> {
    try {
      if (!keepCard) picked = null;
      const cards = await services.vaultCards();
      const card = picked && cards.some((c) => c.cardNumber === picked) ? picked : await services.defaultTimelineCard();
      timeline.setState({ cards, card });
      timeline.getState().reset(card ? await services.timelineCount(card) : 0);
    } catch {
      timeline.getState().reset(0);
    }
    showRows(...inView);
  }

  async function chooseCard(card: string): Promise<void> {
    picked = card;
    timeline.setState({ card, selectedSeq: null });
    await reload(true);
  }

  function showRows(start: number, end: number): void {
    inView = [start, end];
    const s = timeline.getState();
    const card = s.card;
    if (!card) return;
    const blocks = blocksToLoad(start, Math.min(end, s.count), s.blocks);
    if (blocks.length === 0) return;
    s.markLoading(blocks);
    const generation = s.generation;
    for (const b of blocks) {
      const offset = b * TIMELINE_BLOCK;
      services.timeline(card, offset, TIMELINE_BLOCK).then(
        (rows) => timeline.getState().addRows(generation, offset, rows),
        () => undefined,
      );
    }
  }

  async function nameBackup(seq: number, name: string): Promise<void> {
    const card = timeline.getState().card;
    if (!card) return;
    await services.nameBackup(card, seq, name);
    await reload(true);
  }

  return { reload, chooseCard, nameBackup, showRows, select: (seq: number | null) => timeline.getState().select(seq) };
}
