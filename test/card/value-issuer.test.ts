/**
 * The card accepts the load tokens issuer/core signs (IssuerAuthority.loadToken, the same
 * code the issuer service's /terminal routes use), each once, and answers receipts the
 * issuer's check (protocol receipt.ts, used by issuer/core verifyReceipt) accepts. The card
 * is personalised by that issuer, so its certificate chain names the epoch key that signs.
 */
import { describe, expect, it } from 'vitest';
import { createTestCard } from '../../test/support/card.ts';
import { APP_AID } from '../../src/protocol/commands/apps/index.ts';
import { verifyReceipt } from '../../src/protocol/trust/receipt.ts';
import { demoIssuer } from '../../issuer/core/demo.ts';
import { cardSigningKey, counters, load, receiptOf, spend } from './value-support.ts';

const cardNumber = '4900000000000777';

/** A card personalised by issuer/core's demo issuer: its epoch key signs the tokens the card takes. */
const issuerCard = () => createTestCard({ cardNumber, seed: 'value issuer', issuer: demoIssuer() });

describe('value with issuer/core', () => {
  it('loads an issuer/core load token once, and its spend receipt verifies', () => {
    const card = issuerCard();
    const issuer = demoIssuer();
    const t = issuer.loadToken({ cardNumber, aid: APP_AID.emoney, amount: 5000, loadCounter: 1 });
    expect(load(card, 'emoney', t).sw).toBe(0x9000);
    expect(counters(card, 'emoney')).toMatchObject({ value: 5000, loadCounter: 1 });
    expect(load(card, 'emoney', t).sw).toBe(0x6984);
    expect(counters(card, 'emoney')).toMatchObject({ value: 5000, loadCounter: 1 });
    const e = spend(card, 'emoney', 1200, Uint8Array.of(1, 2, 3));
    expect(e.sw).toBe(0x9000);
    const r = receiptOf(card, e);
    expect(r).toMatchObject({ cardNumber, amount: 1200, balanceAfter: 3800, spendCounter: 1 });
    expect(verifyReceipt(cardSigningKey(card), r)).toBe(true);
  });

  it('refuses an issuer/core token for the other value application, changing nothing', () => {
    const card = issuerCard();
    const t = demoIssuer().loadToken({ cardNumber, aid: APP_AID.membership, amount: 100, loadCounter: 1 });
    expect(load(card, 'emoney', t).sw).toBe(0x6a80);
    expect(counters(card, 'emoney')).toMatchObject({ value: 0, loadCounter: 0 });
  });
});
