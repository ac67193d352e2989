/**
 * The card's issuer (docs/issuer.md, patent fig. 21): where the off-device copy stands,
 * and the lost-card report (card number + the recovery code shown once at registration).
 * Shown only when the build names an issuer.
 */
import { useState, type FormEvent } from 'react';
import { formatCardNumber } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

/**
 * Refusals with words of their own: the ones that are not the issuer's (the card cannot
 * prove itself, a v1 backup, this device's storage), and the issuer's one the holder can
 * act on (its number held for another card; in the demo, another browser's sample card).
 */
const REFUSALS = {
  CARD_PROOF: { app: 'issuer.state.unproven', demo: 'issuer.state.unproven' },
  NOT_UPLOADABLE: { app: 'issuer.state.notUploadable', demo: 'issuer.state.notUploadable' },
  LOCAL: { app: 'issuer.state.local', demo: 'issuer.state.local' },
  CARD_NUMBER_TAKEN: { app: 'issuer.state.numberTaken', demo: 'issuer.state.numberTakenDemo' },
} as const;

function SyncLine({ demo }: { demo: boolean }) {
  const { t, lang } = useI18n();
  const refusal = (code: string) => {
    const own = Object.hasOwn(REFUSALS, code) ? REFUSALS[code as keyof typeof REFUSALS] : undefined;
    return own ? t(demo ? own.demo : own.app) : t('issuer.state.refused', { code });
  };
  const s = useApp('issuer', (x) => x);
  const text = s.linking
    ? t('issuer.state.linking')
    : s.linkError === 'card-unproven'
      ? t('issuer.state.unproven')
    : s.sync.kind === 'refused'
      ? refusal(s.sync.code)
      : t(`issuer.state.${s.sync.kind}`);
  return (
    <>
      <p className={`issuer-state issuer-state-${s.linking ? 'linking' : s.sync.kind}`} role="status" data-testid="issuer-state">
        {text}
      </p>
      {s.linked && s.linked.filled > 0 && <p className="muted">{t('issuer.filled', { backups: countOf(t, lang, 'backups', s.linked.filled) })}</p>}
    </>
  );
}

function LostForm({ demo }: { demo: boolean }) {
  const { t } = useI18n();
  const { issuer, card: cardActions } = useActions();
  const busy = useApp('card', (x) => x.busyAction);
  const { lostBusy, lost, lostError } = useApp('issuer', (x) => x);
  const [card, setCard] = useState('');
  const [code, setCode] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void issuer.reportLost(card, code);
  };
  return (
    <form className="lost-form" onSubmit={submit} aria-labelledby="lost-heading">
      <h3 id="lost-heading">{t('lost.heading')}</h3>
      <p className="muted small">{t('lost.body')}</p>
      <label htmlFor="lost-card">{t('lost.card')}</label>
      <input id="lost-card" type="text" inputMode="numeric" autoComplete="off" maxLength={19} value={card} onChange={(e) => setCard(e.target.value)} />
      <label htmlFor="lost-code">{t('lost.code')}</label>
      <input id="lost-code" type="text" autoComplete="off" spellCheck={false} maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} />
      <div className="button-row">
        <button type="submit" className="btn btn-secondary" disabled={lostBusy || card.trim() === '' || code.trim() === ''}>
          {t('lost.submit')}
        </button>
      </div>
      {lost && (
        <p className="notice notice-ok" role="status" data-testid="lost-done">
          {t('lost.done', { card: formatCardNumber(lost.cardNumber), number: lost.stopNumber })}
        </p>
      )}
      {/* The demo plays the issuer's personalisation desk: the service personalises a blank card with the same code. */}
      {lost && demo && (
        <div className="replacement">
          <p className="muted small" id="replacement-help">
            {t('replacement.help')}
          </p>
          <button
            type="button"
            className="btn btn-primary"
            aria-describedby="replacement-help"
            disabled={busy !== null || code.trim() === ''}
            onClick={() => void cardActions.issueReplacementCard({ lostCard: lost.cardNumber, recoveryCode: code })}
          >
            {t('replacement.submit')}
          </button>
        </div>
      )}
      {lostError && <ErrorNotice code={lostError} />}
    </form>
  );
}

export function IssuerPanel({ demo = false }: { demo?: boolean }) {
  const { t } = useI18n();
  const { issuer } = useActions();
  const available = useApp('issuer', (s) => s.available);
  const linkError = useApp('issuer', (s) => s.linkError);
  const linking = useApp('issuer', (s) => s.linking);
  const numberTaken = useApp('issuer', (s) => s.sync.kind === 'refused' && s.sync.code === 'CARD_NUMBER_TAKEN');
  if (!available) return null;
  return (
    <section className="panel issuer" aria-labelledby="issuer-heading" data-testid="issuer-panel">
      <h2 id="issuer-heading">{t('issuer.heading')}</h2>
      <SyncLine demo={demo} />
      {/* A card without a certificate, or under a number the issuer holds for another card, cannot do better by trying again: the state line says what it means. */}
      {linkError && linkError !== 'card-unproven' && !numberTaken && (
        <>
          <ErrorNotice code={linkError} />
          <button type="button" className="btn btn-secondary" disabled={linking} onClick={() => void issuer.link()}>
            {t('issuer.link')}
          </button>
        </>
      )}
      <LostForm demo={demo} />
    </section>
  );
}
