/**
 * Timeline rows, loaded in blocks as the virtual list scrolls. Only the blocks that
 * rows in view fall in are fetched; each block once.
 */
import { createStore } from 'zustand/vanilla';
import type { BackupEntry, VaultCard } from '../model.ts';

export const TIMELINE_BLOCK = 100;

/** Block numbers covering rows [start, end) that are neither loaded nor loading. */
export function blocksToLoad(start: number, end: number, have: ReadonlySet<number>, block = TIMELINE_BLOCK): number[] {
  const out: number[] = [];
  if (end <= start) return out;
  for (let b = Math.floor(start / block); b <= Math.floor((end - 1) / block); b++) if (!have.has(b)) out.push(b);
  return out;
}

export interface TimelineStore {
  /** Every card the vault holds backups of (the card switcher). */
  cards: readonly VaultCard[];
  /** The card whose backups are listed. */
  card: string | null;
  count: number;
  /** Row index → entry (newest first). */
  rows: ReadonlyMap<number, BackupEntry>;
  /** Blocks loaded or in flight. */
  blocks: ReadonlySet<number>;
  /** Bumped on reset so answers for an old list are dropped. */
  generation: number;
  selectedSeq: number | null;
  /** Backups retention would remove (marked on the rows), `${card}:${seq}`. */
  marked: ReadonlySet<string>;
  reset(count: number): void;
  markLoading(blocks: readonly number[]): void;
  addRows(generation: number, offset: number, entries: readonly BackupEntry[]): void;
  select(seq: number | null): void;
}

export const createTimelineStore = () =>
  createStore<TimelineStore>()((set, get) => ({
    cards: [],
    card: null,
    marked: new Set(),
    count: 0,
    rows: new Map(),
    blocks: new Set(),
    generation: 0,
    selectedSeq: null,
    reset: (count) => set((s) => ({ count, rows: new Map(), blocks: new Set(), generation: s.generation + 1 })),
    markLoading: (blocks) => set((s) => ({ blocks: new Set([...s.blocks, ...blocks]) })),
    addRows(generation, offset, entries) {
      if (generation !== get().generation) return;
      const rows = new Map(get().rows);
      entries.forEach((e, i) => rows.set(offset + i, e));
      set({ rows });
    },
    select: (selectedSeq) => set({ selectedSeq }),
  }));
