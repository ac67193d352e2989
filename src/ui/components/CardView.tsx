/** What is on the card: number, issuer, last backup, applications, memory map. */
import { formatCardNumber } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useApp, useI18n } from '../state/hooks.ts';
import { AppList } from './AppList.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { MemoryMap } from './MemoryMap.tsx';

export function CardView() {
  const { t, lang } = useI18n();
  const card = useApp('card', (s) => s.card);
  const loading = useApp('card', (s) => s.loading);
  const error = useApp('card', (s) => s.error);
  const connection = useApp('connection', (s) => s.state);
  const connected = connection.status === 'card-present' || connection.status === 'card-absent' ? connection.reader : null;
  // The demo reader is named in the page's language; a real reader by the name its maker gave it.
  const reader = connected && (connected.kind === 'demo' ? t('card.reader.demo') : connected.name);
  return (
    <section className="panel card-view" aria-labelledby="card-heading" aria-busy={loading}>
      <h2 id="card-heading">{t('card.heading')}</h2>
      {error && <ErrorNotice code={error} />}
      {!card ? (
        <p className="muted">{loading ? t('card.loading') : t('card.insert')}</p>
      ) : (
        <>
          <div className="card-face">
            <p className="card-issuer">{card.issuer.name ?? t('card.issuer.id', { id: card.issuer.id })}</p>
            <p className="card-number" aria-label={t('card.number')} data-testid="card-number">
              {formatCardNumber(card.cardNumber)}
            </p>
          </div>
          <dl className="card-facts">
            <div>
              <dt>{t('card.changed')}</dt>
              <dd>{countOf(t, lang, 'pages', card.memory.changedCount)}</dd>
            </div>
            <div>
              <dt>{t('card.lastBackup')}</dt>
              <dd>
                {card.lastBackupSeq === null ? t('card.lastBackup.none') : t('card.lastBackup.seq', { seq: card.lastBackupSeq })}
              </dd>
            </div>
            {reader && (
              <div className="card-reader">
                <dt>{t('card.reader')}</dt>
                <dd data-testid="card-reader">{card.protocol ? t('card.reader.protocol', { reader, protocol: card.protocol }) : reader}</dd>
              </div>
            )}
          </dl>
          <h3>{t('card.apps')}</h3>
          <AppList apps={card.apps} />
          <MemoryMap map={card.memory} />
        </>
      )}
    </section>
  );
}
