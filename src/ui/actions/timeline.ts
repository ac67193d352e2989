/** Timeline loading: the count, then blocks of rows as they scroll into view. */
import type { Services } from '../services/contract.ts';
import type { Stores } from '../state/stores.ts';
import { blocksToLoad, TIMELINE_BLOCK } from '../state/timeline.ts';

export function timelineActions(services: Services, stores: Stores) {
  const { timeline } = stores;
  /** Rows in view: a reload refetches them (the list's range may not change, so it would not ask). */
  let inView: readonly [number, number] = [0, 0];

  async function reload(): Promise<void> {
    try {
      timeline.getState().reset(await services.timelineCount());
    } catch {
      timeline.getState().reset(0);
    }
    showRows(...inView);
  }

  function showRows(start: number, end: number): void {
    inView = [start, end];
    const s = timeline.getState();
    const blocks = blocksToLoad(start, Math.min(end, s.count), s.blocks);
    if (blocks.length === 0) return;
    s.markLoading(blocks);
    const generation = s.generation;
    for (const b of blocks) {
      const offset = b * TIMELINE_BLOCK;
      services.timeline(offset, TIMELINE_BLOCK).then(
        (rows) => timeline.getState().addRows(generation, offset, rows),
        () => undefined,
      );
    }
  }

  return { reload, showRows, select: (seq: number | null) => timeline.getState().select(seq) };
}
