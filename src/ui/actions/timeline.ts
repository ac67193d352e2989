/** Timeline loading: the count, then blocks of rows as they scroll into view. */
import type { Services } from '../services.ts';
import type { Stores } from '../state/stores.ts';
import { blocksToLoad, TIMELINE_BLOCK } from '../state/timeline.ts';

export function timelineActions(services: Services, stores: Stores) {
  const { timeline } = stores;

  async function reload(): Promise<void> {
    try {
      timeline.getState().reset(await services.timelineCount());
    } catch {
      timeline.getState().reset(0);
    }
  }

  function showRows(start: number, end: number): void {
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
