/**
 * Everything only demo mode needs (the simulated cards, the demo issuer's keys), loaded
 * when the demo starts so the app's first download stays small.
 */
import { DEMO_ISSUER } from '../../card-sim/index.ts';
import type { Authorise } from '../../host/index.ts';
import { signingIssuer } from '../../host/authorise.ts';
import { issuerName } from './issuer-name.ts';
import { DemoStore } from './demo-store.ts';
import { DemoWorld } from './demo-world.ts';

/** The demo issuer signs a restore onto another of its cards (fig. 9). */
export const demoAuthorise: Authorise = signingIssuer(DEMO_ISSUER);

export const demoIssuerName = (issuer: number): string => (issuer === DEMO_ISSUER.issuer ? 'icvault Demo Issuer' : issuerName(issuer));

export async function loadDemoWorld(): Promise<DemoWorld> {
  return DemoWorld.load(await DemoStore.open());
}
