/** Stores + actions over the in-memory services, for the UI's flow tests. Test only. */
import { createActions } from '../../src/ui/actions/index.ts';
import { createStores } from '../../src/ui/state/stores.ts';
import { createMemoryServices, type MemoryOptions } from './memory-services.ts';

export function harness(opts: MemoryOptions = {}) {
  const mem = createMemoryServices(opts);
  const stores = createStores('en');
  const actions = createActions(mem.services, stores);
  return { ...mem, stores, actions };
}

/** Lets queued promise callbacks (timeline blocks) run. */
export const settle = () => new Promise<void>((r) => setTimeout(r, 0));
