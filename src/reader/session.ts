/**
 * The one reader session the app holds: nothing, the demo's simulated reader, a WebUSB
 * reader or a reader of the PC/SC bridge, plus the link to the card's issuer (which
 * signs restores onto a replacement card, fig. 9). A discriminated union and a pure
 * reducer instead of loose variables, so "what is connected" has one answer and every
 * transition says what the previous session must let go of (`released`).
 *
 * Generic over the handles (`H`): the reader layer does not know the host's card link
 * or the demo's world; whoever drives the session fills them in.
 */

export type ReaderKind = 'demo' | 'usb' | 'bridge' | 'smartcard';

/** Where restores onto another card get their issuer's authorisation. */
export type IssuerLink = { kind: 'none' } | { kind: 'demo' } | { kind: 'service'; url: string };

export interface Handles<Link, World> {
  link: Link;
  /** demo only: the simulated cards. */
  world?: World;
  /** usb only: stops the browser's USB disconnect listener. */
  stopWatching?: () => void;
}

export type ReaderSession<Link, World> =
  | { kind: 'none'; issuer: IssuerLink }
  | {
      kind: ReaderKind;
      readerName: string;
      link: Link;
      world: World | null;
      stopWatching: (() => void) | null;
      /** Card number of the card last read in the reader; null when none or it left. */
      cardInReader: string | null;
      /** demo: the card this one replaces (its backups stay the default to restore). */
      replaces: string | null;
      issuer: IssuerLink;
    };

export type SessionEvent<Link, World> =
  | { type: 'opened'; via: ReaderKind; readerName: string; handles: Handles<Link, World> }
  | { type: 'card-read'; cardNumber: string }
  | { type: 'card-gone' }
  | { type: 'card-replaced'; replaces: string | null }
  | { type: 'issuer'; issuer: IssuerLink }
  | { type: 'closed' };

export const noSession = <L, W>(): ReaderSession<L, W> => ({ kind: 'none', issuer: { kind: 'none' } });

export function sessionReducer<L, W>(s: ReaderSession<L, W>, e: SessionEvent<L, W>): ReaderSession<L, W> {
  switch (e.type) {
    case 'opened':
      return {
        kind: e.via,
        readerName: e.readerName,
        link: e.handles.link,
        world: e.via === 'demo' ? (e.handles.world ?? null) : null,
        stopWatching: e.via === 'usb' ? (e.handles.stopWatching ?? null) : null,
        cardInReader: null,
        replaces: null,
        // The demo's cards come from the demo issuer; a real card's issuer link is set on its own.
        issuer: e.via === 'demo' ? { kind: 'demo' } : s.issuer.kind === 'demo' ? { kind: 'none' } : s.issuer,
      };
    case 'card-read':
      return s.kind === 'none' ? s : { ...s, cardInReader: e.cardNumber };
    case 'card-gone':
      return s.kind === 'none' ? s : { ...s, cardInReader: null };
    case 'card-replaced':
      return s.kind === 'none' ? s : { ...s, cardInReader: null, replaces: e.replaces };
    case 'issuer':
      return { ...s, issuer: e.issuer };
    case 'closed':
      return { kind: 'none', issuer: s.issuer.kind === 'demo' ? { kind: 'none' } : s.issuer };
  }
}

/** What the previous session held that the next one does not: the caller closes these. */
export function released<L, W>(prev: ReaderSession<L, W>, next: ReaderSession<L, W>): { link: L | null; stopWatching: (() => void) | null } {
  if (prev.kind === 'none') return { link: null, stopWatching: null };
  const same = next.kind !== 'none' && next.link === prev.link;
  return {
    link: same ? null : prev.link,
    stopWatching: prev.stopWatching && !(next.kind !== 'none' && next.stopWatching === prev.stopWatching) ? prev.stopWatching : null,
  };
}
