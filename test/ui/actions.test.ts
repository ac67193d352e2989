import { describe, expect, it } from 'vitest';
import { harness, settle } from './harness.ts';

describe('UI flows over a Services implementation', () => {
  it('demo: connect shows the card; a USB reader refused by the browser shows the protected-class error', async () => {
    const h = harness();
    await h.actions.card.connectReader();
    expect(h.stores.connection.getState().state).toEqual({ status: 'error', code: 'protected-class', via: 'usb' });
    await h.actions.card.connectDemo();
    expect(h.stores.connection.getState().state.status).toBe('card-present');
    expect(h.stores.card.getState().card?.cardNumber).toBe('4980123456789012');
  });

  it('cancel aborts the running backup and reports it as stopped', async () => {
    const h = harness({ stepDelayMs: 1 });
    await h.actions.card.connectDemo();
    h.actions.transfer.backup('full');
    const run = h.actions.transfer.submitPin('1234');
    await settle();
    expect(h.stores.operation.getState().op?.phase).toBe('running');
    h.actions.transfer.cancel();
    await run;
    expect(h.stores.operation.getState().op).toEqual({ kind: 'backup', phase: 'cancelled' });
    expect(h.state.backups).toHaveLength(0);
  });

  it('timeline loads only the blocks in view', async () => {
    const h = harness({ seedBackups: 10_000 });
    await h.actions.card.connectDemo();
    await settle();
    expect(h.stores.timeline.getState().count).toBe(10_000);
    h.actions.timeline.showRows(4910, 4930);
    h.actions.timeline.showRows(4915, 4925);
    await settle();
    const rows = h.stores.timeline.getState().rows;
    expect(rows.size).toBe(100);
    expect(rows.get(4910)?.seq).toBe(10_000 - 4910);
    expect([...h.stores.timeline.getState().blocks]).toEqual([49]);
  });

  it('vault: verify names the damaged backup; retention plans before removing', async () => {
    const h = harness({ seedBackups: 40, damaged: [7] });
    await h.actions.vault.verify();
    expect(h.stores.vault.getState().report?.problems.map((p) => p.seq)).toEqual([7]);
    await h.actions.vault.planRetention();
    const plan = h.stores.vault.getState().retention;
    expect(plan?.dryRun).toBe(true);
    expect(plan?.removed).toBe(9);
    expect(h.state.backups).toHaveLength(40);
    await h.actions.vault.applyRetention();
    expect(h.state.backups).toHaveLength(31);
  });

  it('import of a foreign file is refused in plain words', async () => {
    const h = harness();
    await h.actions.vault.importVault(new Blob(['not an export']));
    expect(h.stores.vault.getState().error).toEqual({ task: 'import', code: 'import-invalid' });
  });
});
