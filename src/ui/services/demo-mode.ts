/**
 * Everything only demo mode needs (the simulated cards, the demo issuer's keys), loaded
 * when the demo starts so the app's first download stays small.
 */
import { DEMO_ISSUER } from '../../card-sim/index.ts';
import type { Authorise } from '../../host/index.ts';
import { signingIssuer } from '../../host/authorise.ts';
import { DemoStore } from './demo-store.ts';
import { DemoWorld } from './demo-world.ts';
import { demoEpochKey } from './demo-issuer-keys.ts';

/** The demo issuer signs a restore onto another of its cards (fig. 9), with the epoch key its cards know (demo-issuer-keys.ts). */
export const demoAuthorise: Authorise = signingIssuer(demoEpochKey());

/** The demo issuer's own name (a proper name, the same in every language); null for any other issuer. */
export const demoIssuerName = (issuer: number): string | null => (issuer === DEMO_ISSUER.issuer ? 'icvault Demo Issuer' : null);

export async function loadDemoWorld(): Promise<DemoWorld> {
  return DemoWorld.load(await DemoStore.open());
}
