/**
 * The card's five applications (fig. 21) and the demo card's personalisation data.
 * The card OS installs them in this order, each in its own area of the AP table
 * (fig. 11): e-money, credit, ID, medical, membership.
 */
import type { CardApplication } from '../app-api.ts';
import { creditApp } from './credit.ts';
import { emoneyApp } from './emoney.ts';
import { identityApp } from './identity.ts';
import { medicalApp } from './medical.ts';
import { membershipApp } from './membership.ts';

export { demoSeed } from './demo-data.ts';
export { creditApp, emoneyApp, identityApp, medicalApp, membershipApp };
export { EMONEY_MAX_BALANCE } from './emoney.ts';
export { MEMBERSHIP_MAX_POINTS } from './membership.ts';
export { VALUE_LOG_CAPACITY } from '../value-store.ts';
export { MEDICAL_CAPACITY } from './medical.ts';

/** A fresh list each call, so a caller may reorder or filter it freely. */
export function defaultApplications(): CardApplication[] {
  return [emoneyApp, creditApp, identityApp, medicalApp, membershipApp];
}
