/** Vault panel: status, verify, retention (dry run first), export, import. */
import { errorCode } from '../errors.ts';
import type { RetentionSettings, RetentionResult } from '../model.ts';
import type { Services } from '../services/contract.ts';
import type { Stores } from '../state/stores.ts';
import type { VaultTask } from '../state/vault.ts';

type PinDialog = (purpose: 'verify', run: (pin: string) => Promise<void>, onError: (e: unknown) => void) => void;

export function vaultActions(services: Services, stores: Stores, afterChange: () => Promise<void>, withPinDialog: PinDialog) {
  const { vault, timeline } = stores;
  const markOnTimeline = (plan: RetentionResult | null) =>
    timeline.setState({ marked: new Set((plan?.rows ?? []).filter((r) => r.action === 'remove').map((r) => `${r.cardNumber}:${r.seq}`)) });

  async function task<T>(name: VaultTask, run: () => Promise<T>): Promise<T | undefined> {
    if (vault.getState().busy) return undefined;
    vault.setState({ busy: name, error: null });
    try {
      const r = await run();
      vault.setState({ busy: null });
      return r;
    } catch (e) {
      vault.setState({ busy: null, error: { task: name, code: errorCode(e) } });
      return undefined;
    }
  }

  async function refreshStatus(): Promise<void> {
    try {
      const [status, health] = await Promise.all([services.vaultStatus(), services.storageHealth()]);
      vault.setState({ status, health });
    } catch (e) {
      vault.setState({ error: { task: 'verify', code: errorCode(e) } });
    }
  }

  return {
    refreshStatus,
    /** Ask the browser to keep the storage, then show what it said. */
    keepStorage: async () => {
      try {
        await services.keepStorage();
      } catch (e) {
        vault.setState({ error: { task: 'verify', code: errorCode(e) } });
      }
      await refreshStatus();
    },
    /** Structural: no card needed. */
    verify: () =>
      task('verify', async () => {
        vault.setState({ report: await services.verifyVault(null) });
        // The timeline marks what verify found damaged.
        await afterChange();
      }),
    /** Deep: the card opens every record of its backups, after its PIN (asked in the PIN dialog). */
    verifyDeep: () =>
      withPinDialog(
        'verify',
        async (pin) => {
          vault.setState({ busy: 'verify', error: null });
          try {
            vault.setState({ report: await services.verifyVault(pin), busy: null });
          } catch (e) {
            vault.setState({ busy: null });
            throw e;
          }
          await afterChange();
        },
        (e) => vault.setState({ error: { task: 'verify', code: errorCode(e) } }),
      ),
    setPolicy: (policy: RetentionSettings) => {
      vault.setState({ policy, retention: null, removed: null });
      markOnTimeline(null);
    },
    /** The keep/remove table; the backups it would remove are marked on the timeline. Deletes nothing. */
    planRetention: () =>
      task('retention', async () => {
        const plan = await services.retentionPlan(vault.getState().policy);
        vault.setState({ retention: plan, removed: null });
        markOnTimeline(plan);
      }),
    /** After the holder confirmed: remove exactly what the plan listed. */
    applyRetention: () =>
      task('retention', async () => {
        const plan = vault.getState().retention;
        if (!plan) return;
        const listed = plan.rows.filter((r) => r.action === 'remove').map((r) => ({ cardNumber: r.cardNumber, seq: r.seq }));
        const removed = await services.removeBackups(listed);
        vault.setState({ retention: null, removed });
        markOnTimeline(null);
        await afterChange();
      }),
    cancelRetention: () => {
      vault.setState({ retention: null });
      markOnTimeline(null);
    },
    exportVault: () => task('export', () => services.exportVault()),
    importVault: (file: Blob) =>
      task('import', async () => {
        vault.setState({ imported: await services.importVault(file) });
        await afterChange();
      }),
  };
}
