/**
 * The demo issuer's opening loads onto a new sample card (demo only). In version 2 value
 * enters a card only by an issuer-signed load token (docs/trust.md "Value"), so the
 * sample card's ¥3,200 and 1,250 points are loaded, right after the card is made, by the
 * host's own terminal operations with tokens of the demo issuer (issuer/core), straight
 * onto the simulated card: the same commands a shop terminal sends. With the demo issuer's
 * service running (`npm start`), the tokens come from the service, which writes them into
 * its ledger: that is what it re-issues onto a replacement card.
 */
import type { SimCard } from '../../card-sim/index.ts';
import type { Transport } from '../../host/surface.ts';
import { IssuerRequestError } from '../../host/issuer-client.ts';
import { addPoints, load, type TokenSource } from '../../host/terminal.ts';
import { demoIssuer } from '../../../issuer/core/demo.ts';
import { issuerMachine } from './demo-issuer.ts';

export const OPENING_VALUE = { yen: 3200, points: 1250 } as const;

/** Where a new card's opening tokens come from: the demo issuer here, or its service (whose ledger then knows them). */
export type OpeningTokens = (t: Transport) => Promise<TokenSource>;

const localTokens: OpeningTokens = async () => {
  const issuer = demoIssuer();
  return async (r) => issuer.loadToken(r);
};

/**
 * The issuer's service knows this card's number with another card's key: a sample card of
 * another browser, or of this one before the demo was reset (every demo starts numbering
 * at the same number; the service refuses with CARD_NUMBER_TAKEN).
 */
export const numberTaken = (e: unknown): boolean => {
  // The services hand the client's error on as the cause of their ServiceError (issuer-services.ts).
  const cause = e instanceof Error ? e.cause : undefined;
  return cause instanceof IssuerRequestError && cause.code === 'CARD_NUMBER_TAKEN';
};

/**
 * `numberTakenIsFinal` false: a number the service holds for another card is thrown
 * (numberTaken), so the caller makes the sample card again under the next number.
 */
export async function loadOpeningValue(card: SimCard, opening: OpeningTokens = localTokens, numberTakenIsFinal = true): Promise<void> {
  card.powerOn();
  const direct = issuerMachine(card);
  try {
    // The service may not take this card (unreachable, or, after the caller's last try, its
    // number held by another card): the demo issuer then signs the opening value here, and
    // the service's ledger will not know it (docs/issuer.md "Demo").
    const tokens = await opening(direct).catch((e: unknown) => {
      if (!numberTakenIsFinal && numberTaken(e)) throw e;
      return localTokens(direct);
    });
    await load(direct, OPENING_VALUE.yen, tokens);
    await addPoints(direct, OPENING_VALUE.points, tokens);
  } finally {
    card.powerOff();
  }
}
