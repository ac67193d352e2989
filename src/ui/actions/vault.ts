/** Vault panel: status, verify, retention (dry run first), export, import. */
import { errorCode } from '../errors.ts';
import type { RetentionPolicy } from '../model.ts';
import type { Services } from '../services/contract.ts';
import type { Stores } from '../state/stores.ts';
import type { VaultTask } from '../state/vault.ts';

export function vaultActions(services: Services, stores: Stores, afterChange: () => Promise<void>) {
  const { vault } = stores;

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
      vault.setState({ status: await services.vaultStatus() });
    } catch (e) {
      vault.setState({ error: { task: 'verify', code: errorCode(e) } });
    }
  }

  return {
    refreshStatus,
    verify: (deep: boolean) =>
      task('verify', async () => {
        vault.setState({ report: await services.verifyVault(deep) });
        // The timeline marks what verify found damaged.
        await afterChange();
      }),
    setPolicy: (policy: RetentionPolicy) => vault.setState({ policy, retention: null }),
    retention: (dryRun: boolean) =>
      task('retention', async () => {
        vault.setState({ retention: await services.retention(vault.getState().policy, dryRun) });
        if (!dryRun) await afterChange();
      }),
    exportVault: () => task('export', () => services.exportVault()),
    importVault: (file: Blob) =>
      task('import', async () => {
        vault.setState({ imported: await services.importVault(file) });
        await afterChange();
      }),
  };
}
