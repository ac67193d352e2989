/**
 * Backup and restore: PIN first (VERIFY on the card), then the transfer with progress
 * and cancel. Only one runs at a time (the operation store refuses a second).
 */
import { errorCode } from '../errors.ts';
import type { BackupChoice, RestoreMode, RestoreTarget } from '../model.ts';
import type { Services } from '../services/contract.ts';
import { afterVerify, closedPin, openPin, type PinPurpose } from '../state/pin.ts';
import type { Stores } from '../state/stores.ts';

export interface RestoreRequest {
  seq: number;
  target: RestoreTarget;
  mode: RestoreMode;
}

export function transferActions(services: Services, stores: Stores, afterChange: () => Promise<void>) {
  const { pin, operation, card } = stores;
  let pending: ((pin: string) => Promise<void>) | null = null;

  function askPin(purpose: PinPurpose, then: (pin: string) => Promise<void>) {
    const status = card.getState().card?.pin ?? { triesLeft: 3, maxTries: 3, blocked: false };
    pending = then;
    pin.setState(openPin(purpose, status));
  }

  async function submitPin(value: string): Promise<void> {
    if (pin.getState().busy || pin.getState().blocked) return;
    pin.setState({ busy: true });
    try {
      const r = await services.verifyPin(value);
      pin.setState(afterVerify(pin.getState(), r));
      const shown = card.getState().card;
      // What the card said about its PIN, so the next dialog opens with it (blocked stays blocked).
      if (!r.ok && shown) card.setState({ card: { ...shown, pin: { ...shown.pin, triesLeft: r.triesLeft, blocked: r.blocked || r.triesLeft <= 0 } } });
      if (r.ok && pending) {
        const run = pending;
        pending = null;
        await run(value);
      }
    } catch (e) {
      const code = errorCode(e);
      pin.setState({ busy: false, blocked: code === 'pin-blocked' || pin.getState().blocked });
      if (code !== 'pin-blocked') {
        pin.setState(closedPin);
        card.setState({ error: code });
      }
    }
  }

  function cancelPin() {
    pending = null;
    pin.setState(closedPin);
  }

  async function runBackup(kind: BackupChoice, pin: string): Promise<void> {
    const signal = operation.getState().begin('backup');
    if (!signal) return;
    try {
      const r = await services.backup({ kind, pin, signal, onProgress: (p) => operation.getState().progress(p) });
      operation.getState().finishBackup(r);
    } catch (e) {
      operation.getState().fail(signal.aborted ? 'cancelled' : errorCode(e));
    }
    await afterChange();
  }

  async function runRestore(req: RestoreRequest, pin: string): Promise<void> {
    const signal = operation.getState().begin('restore');
    if (!signal) return;
    try {
      const r = await services.restore({ ...req, pin, signal, onProgress: (p) => operation.getState().progress(p) });
      operation.getState().finishRestore(r);
    } catch (e) {
      operation.getState().fail(signal.aborted ? 'cancelled' : errorCode(e));
    }
    await afterChange();
  }

  return {
    backup: (kind: BackupChoice) => askPin('backup', (pin) => runBackup(kind, pin)),
    restore: (req: RestoreRequest) => askPin('restore', (pin) => runRestore(req, pin)),
    submitPin,
    cancelPin,
    cancel: () => operation.getState().cancel(),
    dismiss: () => operation.getState().dismiss(),
  };
}
