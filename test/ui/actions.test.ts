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

  it('backup asks for the PIN first; three wrong tries block it and nothing is backed up', async () => {
    const h = harness();
    await h.actions.card.connectDemo();
    h.actions.transfer.backup('auto');
    expect(h.stores.pin.getState()).toMatchObject({ open: true, purpose: 'backup', triesLeft: 3 });
    await h.actions.transfer.submitPin('0000');
    expect(h.stores.pin.getState()).toMatchObject({ open: true, wrong: true, triesLeft: 2, blocked: false });
    await h.actions.transfer.submitPin('1111');
    await h.actions.transfer.submitPin('2222');
    expect(h.stores.pin.getState()).toMatchObject({ open: true, triesLeft: 0, blocked: true });
    await h.actions.transfer.submitPin('1234');
    expect(h.stores.pin.getState().blocked).toBe(true);
    expect(h.stores.operation.getState().op).toBeNull();
    expect(h.state.backups).toHaveLength(0);
  });

  it('full, then changes only after spending; the memory map shows the changed page until the backup', async () => {
    const h = harness();
    await h.actions.card.connectDemo();
    h.actions.transfer.backup('auto');
    await h.actions.transfer.submitPin('1234');
    expect(h.stores.operation.getState().op).toMatchObject({ phase: 'done', result: { seq: 1, kind: 'full', pages: 192 } });
    await h.actions.card.spend(500);
    expect(h.stores.card.getState().card?.apps.find((a) => a.kind === 'emoney')?.value?.amount).toBe(11_980);
    expect(h.stores.card.getState().card?.memory.changedPages).toEqual([24]);
    h.actions.transfer.backup('auto');
    await h.actions.transfer.submitPin('1234');
    expect(h.stores.operation.getState().op).toMatchObject({ phase: 'done', result: { seq: 2, kind: 'diff', pages: 1 } });
    expect(h.stores.card.getState().card?.memory.changedPages).toEqual([]);
    expect(h.stores.timeline.getState().count).toBe(2);
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

  it('restore onto a replacement card: data back, value applications reset', async () => {
    const h = harness();
    await h.actions.card.connectDemo();
    h.actions.transfer.backup('auto');
    await h.actions.transfer.submitPin('1234');
    await h.actions.card.loseCard();
    expect(h.stores.connection.getState().state.status).toBe('card-absent');
    await h.actions.card.issueReplacementCard();
    await settle();
    expect(h.stores.connection.getState().state.status).toBe('card-present');
    expect(h.stores.card.getState().card?.cardNumber).toBe('4980123456789029');
    h.actions.transfer.restore({ seq: 1, target: 'other', mode: 'compacted' });
    await h.actions.transfer.submitPin('1234');
    const op = h.stores.operation.getState().op;
    if (op?.phase !== 'done' || op.kind !== 'restore') throw new Error(`restore did not finish: ${JSON.stringify(op)}`);
    expect(op.result.apps.filter((a) => a.valueReset).map((a) => a.kind)).toEqual(['emoney', 'membership']);
    const card = h.stores.card.getState().card;
    expect(card?.apps.find((a) => a.kind === 'medical')?.fields.find((f) => f.id === 'allergies')?.value).toBe('Penicillin');
    expect(card?.apps.find((a) => a.kind === 'emoney')?.value?.amount).toBe(0);
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

  it('vault: verify names the damaged backup; retention previews before removing', async () => {
    const h = harness({ seedBackups: 40, damaged: [7] });
    await h.actions.vault.verify(false);
    expect(h.stores.vault.getState().report?.problems.map((p) => p.seq)).toEqual([7]);
    await h.actions.vault.retention(true);
    const preview = h.stores.vault.getState().retention;
    expect(preview?.dryRun).toBe(true);
    expect(preview?.removedSeqs.length).toBe(9);
    expect(h.state.backups).toHaveLength(40);
    await h.actions.vault.retention(false);
    expect(h.state.backups).toHaveLength(31);
  });

  it('import of a foreign file is refused in plain words', async () => {
    const h = harness();
    await h.actions.vault.importVault(new Blob(['not an export']));
    expect(h.stores.vault.getState().error).toEqual({ task: 'import', code: 'import-invalid' });
  });
});
