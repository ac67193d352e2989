/**
 * Back up: automatic / full / changes only (impossible choices disabled, with why; a
 * first backup is full), an optional name, then progress with cancel, then the outcome,
 * which takes the focus so keyboard and screen reader users land on it.
 */
import { useState } from 'react';
import type { BackupChoice } from '../model.ts';
import { formatBytes } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { ProgressView } from './ProgressView.tsx';
import { useFocusOnMount } from './focus.ts';

const CHOICES: readonly BackupChoice[] = ['auto', 'full', 'diff'];

function Done({ text }: { text: string }) {
  const ref = useFocusOnMount<HTMLParagraphElement>();
  return (
    <p className="notice notice-ok" data-testid="backup-done" tabIndex={-1} ref={ref}>
      {text}
    </p>
  );
}

export function BackupPanel() {
  const { t, lang } = useI18n();
  const { transfer } = useActions();
  const op = useApp('operation', (s) => (s.op?.kind === 'backup' ? s.op : null));
  const present = useApp('card', (s) => s.card !== null);
  const neverBackedUp = useApp('card', (s) => s.card !== null && s.card.lastBackupSeq === null);
  // A diff needs this card's chain in this vault: the listed card must be the card in the reader, with backups.
  const hasBase = useApp('timeline', (s) => s.count > 0 && s.cards.some((c) => c.inReader && c.cardNumber === s.card));
  const [kind, setKind] = useState<BackupChoice>('auto');
  const [name, setName] = useState('');
  const running = op?.phase === 'running';
  const diffBlocked = neverBackedUp || !hasBase;
  const chosen = kind === 'diff' && diffBlocked ? 'auto' : kind;

  return (
    <section className="panel backup" aria-labelledby="backup-heading">
      <h2 id="backup-heading">{t('backup.heading')}</h2>
      {running ? (
        <div className="op-running">
          <ProgressView label={t('backup.running')} progress={op.progress} />
          <button type="button" className="btn btn-secondary" onClick={transfer.cancel}>
            {t('common.cancel')}
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="btn btn-primary btn-wide"
          disabled={!present}
          onClick={() => {
            transfer.backup(chosen, name);
            setName('');
          }}
        >
          {t('backup.start')}
        </button>
      )}
      <div aria-live="polite">
        {op?.phase === 'done' && (
          <Done key={op.result.seq} text={t('backup.done', { seq: op.result.seq, pages: countOf(t, lang, 'pages', op.result.pages), size: formatBytes(lang, op.result.bytes) })} />
        )}
        {op?.phase === 'cancelled' && <ErrorNotice code="cancelled" />}
        {op?.phase === 'failed' && <ErrorNotice code={op.code} />}
      </div>
      {neverBackedUp && <p className="muted small">{t('backup.first')}</p>}
      <details className="backup-options">
        <summary>{t('backup.kind')}</summary>
        <fieldset className="choices" disabled={running}>
          <legend className="visually-hidden">{t('backup.kind')}</legend>
          {CHOICES.map((c) => {
            const off = c === 'diff' && diffBlocked;
            return (
              <label key={c} className={off ? 'choice choice-disabled' : 'choice'}>
                <input type="radio" name="backup-kind" value={c} checked={chosen === c} disabled={off} aria-describedby={`backup-${c}-help`} onChange={() => setKind(c)} />
                <span className="choice-text">
                  <span className="choice-title">{t(`backup.${c}`)}</span>
                  <span className="choice-help" id={`backup-${c}-help`}>
                    {off ? t('backup.diff.disabled') : t(`backup.${c}.help`)}
                  </span>
                </span>
              </label>
            );
          })}
        </fieldset>
        <label htmlFor="backup-name" className="field-label">
          {t('backup.name')}
        </label>
        <input id="backup-name" type="text" maxLength={60} value={name} disabled={running} onChange={(e) => setName(e.target.value)} />
      </details>
    </section>
  );
}
