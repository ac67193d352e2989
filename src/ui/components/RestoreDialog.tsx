/** Restore a chosen point onto this card or a replacement card, with progress and result. */
import { useState } from 'react';
import type { RestoreMode, RestoreTarget } from '../model.ts';
import { formatDate } from '../format.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { ProgressView } from './ProgressView.tsx';
import { RestoreResult } from './RestoreResult.tsx';

const TARGETS: readonly RestoreTarget[] = ['this', 'other'];
const MODES: readonly RestoreMode[] = ['compacted', 'replay'];

export function RestoreDialog({ seq }: { seq: number }) {
  const { t, lang } = useI18n();
  const { transfer, timeline } = useActions();
  const op = useApp('operation', (s) => (s.op?.kind === 'restore' ? s.op : null));
  const rows = useApp('timeline', (s) => s.rows);
  const present = useApp('card', (s) => s.card !== null);
  const [target, setTarget] = useState<RestoreTarget>('this');
  const [mode, setMode] = useState<RestoreMode>('compacted');
  const entry = [...rows.values()].find((r) => r.seq === seq);
  const running = op?.phase === 'running';

  const close = () => {
    transfer.dismiss();
    timeline.select(null);
  };

  return (
    <Dialog labelledBy="restore-title" onClose={close} locked={running} className="restore-dialog">
      <h2 id="restore-title">{t('restore.title', { seq })}</h2>
      {entry && <p className="muted">{t('restore.from', { date: formatDate(lang, entry.date) })}</p>}
      {op?.phase === 'done' ? (
        <RestoreResult result={op.result} />
      ) : (
        <>
          <fieldset className="choices" disabled={running}>
            <legend>{t('restore.target')}</legend>
            {TARGETS.map((x) => (
              <label key={x} className="choice">
                <input type="radio" name="restore-target" value={x} checked={target === x} onChange={() => setTarget(x)} />
                <span className="choice-text">
                  <span className="choice-title">{t(`restore.${x}`)}</span>
                  <span className="choice-help">{t(`restore.${x}.help`)}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="choices choices-compact" disabled={running}>
            <legend>{t('restore.mode')}</legend>
            {MODES.map((m) => (
              <label key={m} className="choice">
                <input type="radio" name="restore-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
                <span className="choice-title">{t(`restore.${m}`)}</span>
              </label>
            ))}
          </fieldset>
          <p className="notice notice-warn">{t('restore.warning')}</p>
          {running && <ProgressView label={t('restore.running')} progress={op.progress} />}
          {op?.phase === 'cancelled' && <ErrorNotice code="cancelled" />}
          {op?.phase === 'failed' && <ErrorNotice code={op.code} />}
        </>
      )}
      <div className="dialog-actions">
        {running ? (
          <button type="button" className="btn btn-secondary" onClick={transfer.cancel}>
            {t('common.cancel')}
          </button>
        ) : (
          <button type="button" className="btn btn-quiet" onClick={close}>
            {t('common.close')}
          </button>
        )}
        {op?.phase !== 'done' && !running && (
          <button type="button" className="btn btn-primary" disabled={!present} onClick={() => transfer.restore({ seq, target, mode })}>
            {t('restore.start')}
          </button>
        )}
      </div>
    </Dialog>
  );
}
