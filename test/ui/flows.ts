/**
 * One suite of the cardholder's flows through the UI's actions and stores, run against
 * every `Services`: the real one (demo card in the simulated USB reader, host
 * operations, the vault on fake-indexeddb: flows.real.test.ts) and the in-memory fake
 * the view harness uses (flows.fake.test.ts). Assertions are relative to what the card
 * shows, so both must behave alike where the UI can see it.
 */
import { describe, expect, it } from 'vitest';
import { createActions } from '../../src/ui/actions/index.ts';
import type { Services } from '../../src/ui/services/contract.ts';
import { createStores } from '../../src/ui/state/stores.ts';

export const settle = () => new Promise<void>((r) => setTimeout(r, 0));

function app(services: Services) {
  const stores = createStores('en');
  const actions = createActions(services, stores);
  return { stores, actions };
}

type App = ReturnType<typeof app>;
const value = (a: App, kind: string) => a.stores.card.getState().card?.apps.find((x) => x.kind === kind)?.value?.amount;
const op = (a: App) => a.stores.operation.getState().op;

async function backup(a: App, pin = '1234') {
  a.actions.transfer.backup('auto');
  await a.actions.transfer.submitPin(pin);
  const o = op(a);
  if (o?.phase !== 'done' || o.kind !== 'backup') throw new Error(`backup did not finish: ${JSON.stringify(o)}`);
  return o.result;
}

export function flowSuite(name: string, make: () => Promise<Services>) {
  describe(`UI flows over ${name}`, () => {
    it('connects the demo and shows its card', async () => {
      const a = app(await make());
      await a.actions.card.connectDemo();
      expect(a.stores.connection.getState().state.status).toBe('card-present');
      expect(a.stores.card.getState().card?.cardNumber).toMatch(/^\d{16}$/);
      expect(a.stores.timeline.getState().count).toBe(0);
    });

    it('a wrong PIN keeps the dialog with the tries the card has left; the right one backs up (full first)', async () => {
      const a = app(await make());
      await a.actions.card.connectDemo();
      a.actions.transfer.backup('auto');
      expect(a.stores.pin.getState()).toMatchObject({ open: true, purpose: 'backup', triesLeft: 3 });
      await a.actions.transfer.submitPin('9999');
      expect(a.stores.pin.getState()).toMatchObject({ open: true, wrong: true, triesLeft: 2, blocked: false, busy: false });
      expect(op(a)).toBeNull();
      await a.actions.transfer.submitPin('1234');
      expect(a.stores.pin.getState().open).toBe(false);
      expect(op(a)).toMatchObject({ phase: 'done', result: { seq: 1, kind: 'full' } });
      await settle();
      expect(a.stores.timeline.getState().count).toBe(1);
      expect(a.stores.card.getState().card?.pin.triesLeft).toBe(3);
    });

    it('a spend changes no backed-up page (value lives outside backups, protocol v2); a record edit makes a diff of the changes only', async () => {
      const a = app(await make());
      await a.actions.card.connectDemo();
      await backup(a);
      const before = value(a, 'emoney') ?? 0;
      await a.actions.card.spend(500);
      expect(value(a, 'emoney')).toBe(before - 500);
      expect(a.stores.card.getState().card?.memory.changedCount).toBe(0);
      await a.actions.card.editRecord('allergy', 'pollen');
      expect(a.stores.card.getState().card?.memory.changedCount).toBeGreaterThan(0);
      const r = await backup(a);
      expect(r.kind).toBe('diff');
      await settle();
      a.actions.timeline.showRows(0, 10);
      await settle();
      expect(a.stores.timeline.getState().rows.get(0)?.seq).toBe(r.seq);
    });

    it('restore preview onto the same card: value now, in the backup, after (kept: protocol v2); the result says the same', async () => {
      const a = app(await make());
      await a.actions.card.connectDemo();
      await a.actions.card.spend(500);
      const atPoint = value(a, 'emoney') ?? 0;
      const point = await backup(a);
      await a.actions.card.spend(700);
      const now = value(a, 'emoney') ?? 0;
      const card = a.stores.card.getState().card?.cardNumber ?? '';
      const p = await a.actions.transfer.preview(card, point.seq);
      expect(p.target).toBe('same');
      expect(p.blocked).toEqual({ other: 'same-card' });
      const e = p.apps.find((x) => x.kind === 'emoney');
      expect(e).toMatchObject({ now: { amount: now }, atPoint: { amount: atPoint }, after: { amount: now } });
      expect(p.apps.find((x) => x.kind === 'id')?.pagesChanged).toBe(0);
      expect(p.pagesChangedSince).toBe(a.stores.card.getState().card?.memory.changedCount);
      a.actions.transfer.restore({ sourceCard: card, seq: point.seq, target: 'same', mode: 'compacted' });
      await a.actions.transfer.submitPin('1234');
      const o = op(a);
      if (o?.phase !== 'done' || o.kind !== 'restore') throw new Error(`restore did not finish: ${JSON.stringify(o)}`);
      expect(o.result.apps.find((x) => x.kind === 'emoney')).toMatchObject({ valueReset: false, before: { amount: now }, discarded: null, after: { amount: now } });
      expect(value(a, 'emoney')).toBe(now);
    });

    it('replacement card: the old card stays listed, is the default to restore from, and after the new card is backed up too', async () => {
      const a = app(await make());
      await a.actions.card.connectDemo();
      const old = a.stores.card.getState().card?.cardNumber ?? '';
      await backup(a);
      await a.actions.card.issueReplacementCard();
      await settle();
      const fresh = a.stores.card.getState().card?.cardNumber ?? '';
      expect(fresh).not.toBe(old);
      await a.actions.timeline.reload(false);
      expect(a.stores.timeline.getState().card).toBe(old);
      const p = await a.actions.transfer.preview(old, 1);
      expect(p.target).toBe('other');
      expect(p.blocked).toEqual({ same: 'not-this-card' });
      await backup(a);
      await a.actions.timeline.reload(false);
      const cards = a.stores.timeline.getState().cards;
      expect(cards.map((c) => c.cardNumber).sort()).toEqual([old, fresh].sort());
      expect(cards.find((c) => c.cardNumber === old)).toMatchObject({ backups: 1, inReader: false });
      await a.actions.timeline.chooseCard(old);
      expect(a.stores.timeline.getState().count).toBe(1);
    });

    it('retention lists keep and remove with reasons, marks the removals, and removes exactly those', async () => {
      const a = app(await make());
      await a.actions.card.connectDemo();
      for (let i = 0; i < 4; i++) {
        await a.actions.card.spend(100);
        await backup(a);
      }
      a.actions.vault.setPolicy({ keepLast: 2, keepDailyDays: 0 });
      await a.actions.vault.planRetention();
      const plan = a.stores.vault.getState().retention;
      if (!plan) throw new Error('no plan');
      const listed = plan.rows.filter((r) => r.action === 'remove').map((r) => r.seq);
      expect(listed.length).toBeGreaterThan(0);
      for (const r of plan.rows) expect(r.reasons.length).toBeGreaterThan(0);
      expect(a.stores.timeline.getState().marked.size).toBe(listed.length);
      expect(a.stores.timeline.getState().count).toBe(4);
      await a.actions.vault.applyRetention();
      expect(a.stores.vault.getState().removed?.rows.map((r) => r.seq).sort()).toEqual([...listed].sort());
      expect(a.stores.timeline.getState().count).toBe(4 - listed.length);
      expect(a.stores.timeline.getState().marked.size).toBe(0);
    });

    it('the deep check asks the PIN in the dialog; a wrong one keeps it open, the right one lets the card open every record', async () => {
      const a = app(await make());
      await a.actions.card.connectDemo();
      await backup(a);
      a.actions.vault.verifyDeep();
      expect(a.stores.pin.getState()).toMatchObject({ open: true, purpose: 'verify' });
      await a.actions.transfer.submitPin('9999');
      expect(a.stores.pin.getState()).toMatchObject({ open: true, wrong: true, triesLeft: 2 });
      await a.actions.transfer.submitPin('1234');
      expect(a.stores.pin.getState().open).toBe(false);
      expect(a.stores.vault.getState().report).toMatchObject({ deep: true, problems: [] });
    });

    it('a backup can be named, and the name shows on the timeline', async () => {
      const a = app(await make());
      await a.actions.card.connectDemo();
      const r = await backup(a);
      await a.actions.timeline.nameBackup(r.seq, 'Before the trip');
      a.actions.timeline.showRows(0, 10);
      await settle();
      expect(a.stores.timeline.getState().rows.get(0)?.name).toBe('Before the trip');
    });
  });
}
