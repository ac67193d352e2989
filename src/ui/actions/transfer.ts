/**
 * Backup and restore: the PIN dialog, then the operation, which sends the PIN to the
 * card once as its first step. A wrong PIN ends the operation before anything else and
 * opens the dialog again with the tries the card says are left.
 * Only one operation runs at a time (the operation store refuses a second).
 */
import { errorCode } from '../errors.ts';
import type { BackupChoice, RestoreMode, RestoreTarget } from '../model.ts';
import type { Services } from '../services/contract.ts';
import { closedPin, openPin, wrongPin, type PinPurpose } from '../state/pin.ts';
import type { Stores } from '../state/stores.ts';

export interface RestoreRequest {
  sourceCard: string;
  seq: number;
  target: RestoreTarget;
  mode: RestoreMode;
}

const triesOf = (e: unknown): number => {
  const n = typeof e === 'object' && e !== null ? (e as { triesLeft?: unknown }).triesLeft : undefined;
  return typeof n === 'number' ? n : 0;
};

export function transferActions(services: Services, stores: Stores, afterChange: () => Promise<void>) {
  const { pin, operation, card } = stores;
  let pending: ((pin: string) => Promise<void>) | null = null;

  function askPin(purpose: PinPurpose, then: (pin: string) => Promise<void>) {
    const status = card.getState().card?.pin ?? { triesLeft: 3, maxTries: 3, blocked: false };
    pending = then;
    pin.setState(openPin(purpose, status));
  }

  /** A wrong PIN: the dialog opens again for the same operation, with the tries left. */
  function pinRefused(e: unknown): boolean {
    const code = errorCode(e);
    if (code !== 'pin-wrong' && code !== 'pin-blocked') return false;
    const triesLeft = code === 'pin-blocked' ? 0 : triesOf(e);
    pin.setState(wrongPin(pin.getState(), triesLeft));
    const shown = card.getState().card;
    if (shown) card.setState({ card: { ...shown, pin: { ...shown.pin, triesLeft, blocked: triesLeft <= 0 } } });
    return true;
  }

  async function submitPin(value: string): Promise<void> {
    const s = pin.getState();
    if (s.busy || s.blocked || !pending) return;
    pin.setState({ busy: true });
    await pending(value);
  }

  function cancelPin() {
    pending = null;
    pin.setState(closedPin);
  }

  /** Runs `op` with the PIN; the dialog closes once the card took the PIN or the operation ended. */
  async function withPin<T>(kind: 'backup' | 'restore', value: string, op: (signal: AbortSignal) => Promise<T>, done: (r: T) => void): Promise<void> {
    const signal = operation.getState().begin(kind);
    if (!signal) {
      // Another operation is running: this one never starts.
      pending = null;
      pin.setState(closedPin);
      return;
    }
    try {
      const r = await op(signal);
      pending = null;
      pin.setState(closedPin);
      done(r);
    } catch (e) {
      if (pinRefused(e)) {
        operation.getState().dismissRunning();
        return;
      }
      pending = null;
      pin.setState(closedPin);
      operation.getState().fail(signal.aborted ? 'cancelled' : errorCode(e));
    }
    await afterChange();
  }

  const progress = () => (p: Parameters<ReturnType<typeof operation.getState>['progress']>[0]) => {
    // The card took the PIN once the host moves past it: the dialog gives way to the progress.
    if (p.phase !== 'verifying-pin' && p.phase !== 'reading-card' && pin.getState().open) pin.setState(closedPin);
    operation.getState().progress(p);
  };

  function runBackup(kind: BackupChoice, name: string, value: string): Promise<void> {
    return withPin(
      'backup',
      value,
      (signal) => services.backup({ kind, pin: value, signal, onProgress: progress(), ...(name ? { name } : {}) }),
      (r) => operation.getState().finishBackup(r),
    );
  }

  function runRestore(req: RestoreRequest, value: string): Promise<void> {
    return withPin(
      'restore',
      value,
      (signal) => services.restore({ ...req, pin: value, signal, onProgress: progress() }),
      (r) => operation.getState().finishRestore(r),
    );
  }

  /** Any other operation that needs the PIN (deep check): `run` throws what the card said. */
  function withPinDialog(purpose: PinPurpose, run: (pin: string) => Promise<void>, onError: (e: unknown) => void): void {
    askPin(purpose, async (value) => {
      try {
        await run(value);
        pending = null;
        pin.setState(closedPin);
      } catch (e) {
        if (pinRefused(e)) return;
        pending = null;
        pin.setState(closedPin);
        onError(e);
      }
    });
  }

  return {
    withPinDialog,
    /** What a restore would change, read from the card without the PIN. */
    preview: (sourceCard: string, seq: number) => services.previewRestore(sourceCard, seq),
    backup: (kind: BackupChoice, name = '') => askPin('backup', (pin) => runBackup(kind, name, pin)),
    restore: (req: RestoreRequest) => askPin('restore', (pin) => runRestore(req, pin)),
    submitPin,
    cancelPin,
    cancel: () => operation.getState().cancel(),
    dismiss: () => operation.getState().dismiss(),
  };
}
