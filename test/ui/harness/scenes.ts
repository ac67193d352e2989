/**
 * Scenes for the view harness: drive the real stores and actions over the in-memory
 * services into one state each, so the views can be seen and screenshotted before
 * the real layers are wired. Test only.
 */
import type { Actions } from '../../../src/ui/actions/index.ts';
import type { Stores } from '../../../src/ui/state/stores.ts';
import type { MemoryOptions } from '../memory-services.ts';

export interface Scene {
  options: MemoryOptions;
  run(a: Actions, s: Stores): Promise<void>;
}

const backUp = async (a: Actions) => {
  a.transfer.backup('auto');
  await a.transfer.submitPin('1234');
};

const used = async (a: Actions) => {
  await a.card.connectDemo();
  await backUp(a);
  await a.card.spend(500);
  await a.card.addPoints(50);
  await a.card.editRecord('allergies', 'Penicillin, pollen');
};

export const scenes: Record<string, Scene> = {
  connect: { options: {}, run: async () => undefined },
  dashboard: {
    options: { seedBackups: 10_000 },
    run: async (a) => {
      await a.card.connectDemo();
      await a.card.spend(500);
      await a.card.addPoints(50);
      await a.card.editRecord('allergies', 'Penicillin, pollen');
    },
  },
  pin: {
    options: {},
    run: async (a) => {
      await a.card.connectDemo();
      a.transfer.backup('auto');
      await a.transfer.submitPin('0000');
    },
  },
  progress: {
    options: { stallAtStep: 4 },
    run: async (a) => {
      await a.card.connectDemo();
      a.transfer.backup('full');
      void a.transfer.submitPin('1234');
    },
  },
  'restore-result': {
    options: {},
    run: async (a) => {
      await used(a);
      await backUp(a);
      await a.card.loseCard();
      await a.card.issueReplacementCard();
      a.timeline.select(2);
      a.transfer.restore({ sourceCard: '4980123456789012', seq: 2, target: 'other', mode: 'compacted' });
      await a.transfer.submitPin('1234');
    },
  },
  'vault-damaged': {
    options: { seedBackups: 60, damaged: [12, 31] },
    run: async (a) => {
      await a.card.connectDemo();
      await a.vault.verify();
      await a.vault.planRetention();
    },
  },
};
