/** Back up: automatic / full / changes only, then progress with cancel, then the outcome. */
import { useState } from 'react';
import type { BackupChoice } from '../model.ts';
import { formatBytes } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { ProgressView } from './ProgressView.tsx';

const CHOICES: readonly BackupChoice[] = ['auto', 'full', 'diff'];

export function BackupPanel() {
  const { t, lang } = useI18n();
  const { transfer } = useActions();
  const op = useApp('operation', (s) => (s.op?.kind === 'backup' ? s.op : null));
  const present = useApp('card', (s) => s.card !== null);
  const [kind, setKind] = useState<BackupChoice>('auto');
  const running = op?.phase === 'running';

  return (
    <section className="panel backup" aria-labelledby="backup-heading">
      <h2 id="backup-heading">{t('backup.heading')}</h2>
      <fieldset className="choices" disabled={running}>
        <legend>{t('backup.kind')}</legend>
        {CHOICES.map((c) => (
          <label key={c} className="choice">
            <input type="radio" name="backup-kind" value={c} checked={kind === c} onChange={() => setKind(c)} />
            <span className="choice-text">
              <span className="choice-title">{t(`backup.${c}`)}</span>
              <span className="choice-help">{t(`backup.${c}.help`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {running ? (
        <div className="op-running">
          <ProgressView label={t('backup.running')} progress={op.progress} />
          <button type="button" className="btn btn-secondary" onClick={transfer.cancel}>
            {t('common.cancel')}
          </button>
        </div>
      ) : (
        <button type="button" className="btn btn-primary btn-wide" disabled={!present} onClick={() => transfer.backup(kind)}>
          {t('backup.start')}
        </button>
      )}
      <div aria-live="polite">
        {op?.phase === 'done' && (
          <p className="notice notice-ok" data-testid="backup-done">
            {t('backup.done', { seq: op.result.seq, pages: countOf(t, lang, 'pages', op.result.pages), size: formatBytes(lang, op.result.bytes) })}
          </p>
        )}
        {op?.phase === 'cancelled' && <ErrorNotice code="cancelled" />}
        {op?.phase === 'failed' && <ErrorNotice code={op.code} />}
      </div>
    </section>
  );
}
