/**
 * One backup or restore at a time: its progress, its outcome, and how to cancel it.
 * The store owns the AbortController so any view can cancel.
 */
import { createStore } from 'zustand/vanilla';
import type { ServiceErrorCode } from '../errors.ts';
import type { BackupResult, RestoreResult, TransferProgress } from '../model.ts';

export type OperationKind = 'backup' | 'restore';

export type Operation =
  | { kind: OperationKind; phase: 'running'; progress: TransferProgress | null }
  | { kind: 'backup'; phase: 'done'; result: BackupResult }
  | { kind: 'restore'; phase: 'done'; result: RestoreResult }
  | { kind: OperationKind; phase: 'cancelled' }
  | { kind: OperationKind; phase: 'failed'; code: ServiceErrorCode };

export interface OperationStore {
  op: Operation | null;
  controller: AbortController | null;
  /** Starts an operation; refuses (returns null) while one is running. */
  begin(kind: OperationKind): AbortSignal | null;
  progress(p: TransferProgress): void;
  finishBackup(r: BackupResult): void;
  finishRestore(r: RestoreResult): void;
  fail(code: ServiceErrorCode): void;
  cancel(): void;
  dismiss(): void;
}

/** Fraction done, 0..1, for the progress bar; 0 while the total is unknown. */
export function fractionDone(p: TransferProgress | null): number {
  if (!p || p.totalPages <= 0) return 0;
  return Math.min(1, Math.max(0, p.pages / p.totalPages));
}

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
  }));
