/**
 * Everything only demo mode needs (the simulated cards, the demo issuer's keys), loaded
 * when the demo starts so the app's first download stays small.
 */
import { DemoStore } from './demo-store.ts';
import { DemoWorld, type DemoWorldOptions } from './demo-world.ts';
import { DEMO_ISSUER_NUMBER, demoRestoreAuthority, demoRootPublicKey } from './demo-issuer.ts';

/** The demo issuer's root public key: every demo card is checked up to it before the vault first keeps its certificate. */
export const demoRoot = demoRootPublicKey;

/** The demo issuer authorises a restore onto another of its cards (fig. 9). */
export const demoAuthority = demoRestoreAuthority;

/** The demo issuer's own name (a proper name, the same in every language); null for any other issuer. */
export const demoIssuerName = (issuer: number): string | null => (issuer === DEMO_ISSUER_NUMBER ? 'icvault Demo Issuer' : null);

export async function loadDemoWorld(options: DemoWorldOptions = {}): Promise<DemoWorld> {
  return DemoWorld.load(await DemoStore.open(), options);
}
