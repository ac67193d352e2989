/** The shared UI flows (flows.ts) over the real services: demo card, host operations, vault on fake-indexeddb. */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createServices } from '../../src/ui/services/create.ts';
import { memoryKeyValue } from '../../src/ui/services/notes.ts';
import { flowSuite } from './flows.ts';

flowSuite('the real services', async () => {
  // A fresh browser profile per test: empty vault, fresh demo card.
  globalThis.indexedDB = new IDBFactory();
  return createServices(undefined, { notes: memoryKeyValue() });
});
