/** The shared UI flows (flows.ts) over the in-memory fake the view harness uses. */
import { createMemoryServices } from './memory-services.ts';
import { flowSuite } from './flows.ts';

flowSuite('the in-memory fake', () => Promise.resolve(createMemoryServices().services));
