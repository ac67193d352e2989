/**
 * One backup or restore at a time: its progress, its outcome, and how to cancel it.
 * The store owns the AbortController so any view can cancel.
 */
import { createStore } from 'zustand/vanilla';
import type { ServiceErrorCode } from '../errors.ts';
import type { BackupOutcome, RestoreOutcome, TransferProgress } from '../model.ts';

export type OperationKind = 'backup' | 'restore';

export type Operation =
  | { kind: OperationKind; phase: 'running'; progress: TransferProgress | null }
  | { kind: 'backup'; phase: 'done'; result: BackupOutcome }
  | { kind: 'restore'; phase: 'done'; result: RestoreOutcome }
  | { kind: OperationKind; phase: 'cancelled' }
  | { kind: OperationKind; phase: 'failed'; code: ServiceErrorCode };

export interface OperationStore {
  op: Operation | null;
  controller: AbortController | null;
  /** Starts an operation; refuses (returns null) while one is running. */
  begin(kind: OperationKind): AbortSignal | null;
  progress(p: TransferProgress): void;
  finishBackup(r: BackupOutcome): void;
  finishRestore(r: RestoreOutcome): void;
  fail(code: ServiceErrorCode): void;
  cancel(): void;
  dismiss(): void;
  /** The operation never started on the card (the PIN was refused): no outcome to show. */
  dismissRunning(): void;
}

/**
 * Fraction done, 0..1, over the whole operation, for both the bar and its figure (one
 * number, so they always agree): the steps before the pages move take the first 5 %,
 * the pages 5-90 %, saving and finishing on the card the rest; 100 % only when done.
 */
export function fractionDone(p: TransferProgress | null): number {
  if (!p) return 0;
  if (p.phase === 'done') return 1;
  const pages = p.totalPages > 0 ? Math.min(1, Math.max(0, p.pages / p.totalPages)) : 0;
  switch (p.phase) {
    case 'reading-card':
    case 'verifying-pin':
    case 'planning':
    case 'starting':
      return 0.05 * (pages > 0 ? 1 : 0.5);
    case 'transferring':
      return 0.05 + 0.85 * pages;
    case 'storing':
      return 0.9;
    case 'completing':
    case 'reading-result':
    case 'cleaning-up':
      return 0.95;
  }
}

/** Whether the time left means anything: only while pages move. */
export const showsTimeLeft = (p: TransferProgress): boolean => p.phase === 'transferring' && p.secondsLeft !== null && p.pages < p.totalPages;

export const createOperationStore = () =>
  createStore<OperationStore>()((set, get) => ({
    op: null,
    controller: null,
    begin(kind) {
      if (get().op?.phase === 'running') return null;
      const controller = new AbortController();
      set({ op: { kind, phase: 'running', progress: null }, controller });
      return controller.signal;
    },
    progress(p) {
      const op = get().op;
      if (op?.phase === 'running') set({ op: { ...op, progress: p } });
    },
    finishBackup(result) {
      if (get().op?.phase === 'running') set({ op: { kind: 'backup', phase: 'done', result }, controller: null });
    },
    finishRestore(result) {
      if (get().op?.phase === 'running') set({ op: { kind: 'restore', phase: 'done', result }, controller: null });
    },
    fail(code) {
      const op = get().op;
      if (op?.phase !== 'running') return;
      set({
        op: code === 'cancelled' ? { kind: op.kind, phase: 'cancelled' } : { kind: op.kind, phase: 'failed', code },
        controller: null,
      });
    },
    cancel() {
      get().controller?.abort();
    },
    dismiss() {
      if (get().op?.phase !== 'running') set({ op: null });
    },
    dismissRunning() {
      set({ op: null, controller: null });
    },
  }));
