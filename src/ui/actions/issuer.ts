/**
 * The card's issuer (docs/issuer.md): the card in the reader proves itself when it is
 * read (first time: registered, the recovery code shown once; empty vault: filled from
 * the issuer), the off-device copy's state follows the uploads, and a lost card is
 * reported with its recovery code.
 */
import { errorCode } from '../errors.ts';
import type { Services } from '../services/contract.ts';
import type { Stores } from '../state/stores.ts';

export function issuerActions(services: Services, stores: Stores, afterFill: () => Promise<void>) {
  const { issuer } = stores;
  let watching = false;

  function watch(): void {
    if (watching || !services.onIssuerState) return;
    watching = true;
    let was = issuer.getState().sync.kind;
    services.onIssuerState((sync) => {
      issuer.setState({ sync });
      // An upload finished (or stopped): the timeline's "where" changed.
      if (was === 'uploading' && sync.kind !== 'uploading') void afterFill();
      was = sync.kind;
    });
  }

  /** The card in the reader proves itself to its issuer. */
  async function link(): Promise<void> {
    if (!services.issuerLink || issuer.getState().linking || issuer.getState().available === false) return;
    issuer.setState({ linking: true, linkError: null });
    // Listen before the link: its own state changes (refused, offline) must reach the panel.
    watch();
    try {
      const r = await services.issuerLink();
      if (r === null) {
        issuer.setState({ available: false, linking: false });
        return;
      }
      issuer.setState({ available: true, linking: false, linked: r, ...(r.recoveryCode ? { recovery: { cardNumber: r.cardNumber, code: r.recoveryCode } } : {}) });
      await afterFill();
    } catch (e) {
      issuer.setState({ available: true, linking: false, linkError: errorCode(e) });
    }
  }

  async function reportLost(cardNumber: string, recoveryCode: string): Promise<void> {
    if (!services.reportLost || issuer.getState().lostBusy) return;
    issuer.setState({ lostBusy: true, lostError: null, lost: null });
    try {
      issuer.setState({ lost: await services.reportLost(cardNumber, recoveryCode), lostBusy: false });
    } catch (e) {
      issuer.setState({ lostBusy: false, lostError: errorCode(e) });
    }
  }

  return {
    link,
    reportLost,
    /** The holder wrote the code down: it is forgotten here (the issuer keeps only its slow hash). */
    recoveryWrittenDown: () => issuer.setState({ recovery: null }),
  };
}
