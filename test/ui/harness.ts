/** Stores + actions over the in-memory services, for the UI's flow tests. Test only. */
import { createActions } from '../../src/ui/actions/index.ts';
import { createStore } from 'zustand/vanilla';
import { createStores, type Stores } from '../../src/ui/state/stores.ts';
import { createMemoryServices, type MemoryOptions } from './memory-services.ts';

export function harness(opts: MemoryOptions = {}) {
  const mem = createMemoryServices(opts);
  const stores = createStores('en');
  const actions = createActions(mem.services, stores);
  return { ...mem, stores, actions };
}

/** Lets queued promise callbacks (timeline blocks) run. */
export const settle = () => new Promise<void>((r) => setTimeout(r, 0));

/** Server rendering reads each store's initial state: make stores that start where these are now. */
export function snapshot(stores: Stores): Stores {
  const out: Record<string, unknown> = {};
  for (const [name, store] of Object.entries(stores)) {
    const state: unknown = store.getState();
    out[name] = createStore(() => state);
  }
  return out as Stores;
}
