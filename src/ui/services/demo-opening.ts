/**
 * The demo issuer's opening loads onto a new sample card (demo only). In version 2 value
 * enters a card only by an issuer-signed load token (docs/trust.md "Value"), so the
 * sample card's ¥3,200 and 1,250 points are loaded here, by tokens of the demo issuer,
 * through the card's own CREDIT and ADD POINTS commands, right after the card is made.
 */
import type { SimCard } from '../../card-sim/index.ts';
import { encodeCommand, type CommandApdu } from '../../protocol/apdu.ts';
import { APP_AID, emoneyCredit, emoneyReadCounters, membershipAddPoints, membershipReadCounters } from '../../protocol/commands/apps/index.ts';
import { select } from '../../protocol/commands/index.ts';
import { demoIssuer } from '../../../issuer/core/demo.ts';

/** The sample card's issue date, as its demo data's (apps/demo-data.ts). */
const ISSUE_DATE = Date.UTC(2024, 3, 1);

export const OPENING_LOADS = [
  { app: 'emoney', amount: 3200, load: emoneyCredit, counters: emoneyReadCounters },
  { app: 'membership', amount: 1250, load: membershipAddPoints, counters: membershipReadCounters },
] as const;

export function loadOpeningValue(card: SimCard, cardNumber: string): void {
  const issuer = demoIssuer();
  // Each codec's parseResponse throws a CardError naming the command unless 9000.
  const send = (c: CommandApdu) => card.transmit(encodeCommand(c));
  card.powerOn();
  try {
    for (const o of OPENING_LOADS) {
      const aid = APP_AID[o.app];
      select.parseResponse(send(select.getApdu(aid)));
      const { loadCounter } = o.counters.parseResponse(send(o.counters.getApdu()));
      o.load.parseResponse(send(o.load.getApdu(issuer.loadToken({ cardNumber, aid, amount: o.amount, loadCounter: loadCounter + 1 }), ISSUE_DATE)));
    }
  } finally {
    card.powerOff();
  }
}
