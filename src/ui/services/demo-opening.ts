/**
 * The demo issuer's opening loads onto a new sample card (demo only). In version 2 value
 * enters a card only by an issuer-signed load token (docs/trust.md "Value"), so the
 * sample card's ¥3,200 and 1,250 points are loaded, right after the card is made, by the
 * host's own terminal operations with tokens of the demo issuer (issuer/core), straight
 * onto the simulated card: the same commands a shop terminal sends.
 */
import type { SimCard } from '../../card-sim/index.ts';
import { addPoints, load, type TokenSource } from '../../host/terminal.ts';
import { demoIssuer } from '../../../issuer/core/demo.ts';
import { issuerMachine } from './demo-issuer.ts';

export const OPENING_VALUE = { yen: 3200, points: 1250 } as const;

export async function loadOpeningValue(card: SimCard): Promise<void> {
  const issuer = demoIssuer();
  const tokens: TokenSource = async (r) => issuer.loadToken({ cardNumber: r.cardNumber, aid: r.aid, amount: r.amount, loadCounter: r.loadCounter });
  card.powerOn();
  const direct = issuerMachine(card);
  try {
    await load(direct, OPENING_VALUE.yen, tokens);
    await addPoints(direct, OPENING_VALUE.points, tokens);
  } finally {
    card.powerOff();
  }
}
