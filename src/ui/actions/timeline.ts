/** Timeline loading: the count, then blocks of rows as they scroll into view. */
import type { Services } from '../services/contract.ts';
import type { Stores } from '../state/stores.ts';
import { blocksToLoad, TIMELINE_BLOCK } from '../state/timeline.ts';

export function timelineActions(services: Services, stores: Stores) {
  const { timeline } = stores;
  /** Rows in view: a reload refetches them (the list's range may not change, so it would not ask). */
  let inView: readonly [number, number] = [0, 0];

  /** The cards the vault knows; the listed card stays unless it is gone, else the one that fits the reader. */
  async function reload(keepCard = true): Promise<void> {
    try {
      const cards = await services.vaultCards();
      const current = timeline.getState().card;
      const card = keepCard && current && cards.some((c) => c.cardNumber === current) ? current : await services.defaultTimelineCard();
      timeline.setState({ cards, card });
      timeline.getState().reset(card ? await services.timelineCount(card) : 0);
    } catch {
      timeline.getState().reset(0);
    }
    showRows(...inView);
  }

  async function chooseCard(card: string): Promise<void> {
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
