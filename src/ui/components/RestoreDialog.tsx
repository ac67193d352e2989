/**
 * Restore a chosen point: first what it will change (read from the card, no PIN yet),
 * the target that fits the card in the reader with the impossible one disabled and why,
 * then the PIN, progress and exactly what happened.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { RestoreMode, RestorePreview as Preview, RestoreTarget } from '../model.ts';
import { errorCode, type ServiceErrorCode } from '../errors.ts';
import { formatCardNumber, formatDate } from '../format.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { ProgressView } from './ProgressView.tsx';
import { RestorePreview } from './RestorePreview.tsx';
import { RestoreDone } from './RestoreDone.tsx';

const TARGETS: readonly RestoreTarget[] = ['same', 'other'];
const MODES: readonly RestoreMode[] = ['compacted', 'replay'];

function NameForm({ card, seq, initial }: { card: string; seq: number; initial: string }) {
  const { t } = useI18n();
  const { timeline } = useActions();
  const [name, setName] = useState(initial);
  const save = (e: FormEvent) => {
    e.preventDefault();
    void timeline.nameBackup(seq, name);
  };
  return (
    <form className="inline-field name-form" onSubmit={save} data-card={card}>
      <label htmlFor="backup-name-edit" className="visually-hidden">
        {t('restore.name')}
      </label>
      <input id="backup-name-edit" type="text" maxLength={60} value={name} placeholder={t('restore.name')} onChange={(e) => setName(e.target.value)} />
      <button type="submit" className="btn btn-secondary btn-small">
        {t('restore.name.save')}
      </button>
    </form>
  );
}

export function RestoreDialog({ seq }: { seq: number }) {
  const { t, lang } = useI18n();
  const { transfer, timeline } = useActions();
  const op = useApp('operation', (s) => (s.op?.kind === 'restore' ? s.op : null));
  const rows = useApp('timeline', (s) => s.rows);
  const sourceCard = useApp('timeline', (s) => s.card);
  const present = useApp('card', (s) => s.card !== null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<ServiceErrorCode | null>(null);
  const [target, setTarget] = useState<RestoreTarget | null>(null);
  const [mode, setMode] = useState<RestoreMode>('compacted');
  const entry = [...rows.values()].find((r) => r.seq === seq);
  const running = op?.phase === 'running';
  const done = op?.phase === 'done';

  useEffect(() => {
    if (!sourceCard || !present || done) return;
    let live = true;
    transfer.preview(sourceCard, seq).then(
      (p) => {
        if (!live) return;
        setPreview(p);
        setTarget((x) => x ?? p.target);
      },
      (e: unknown) => live && setPreviewError(errorCode(e)),
    );
    return () => {
      live = false;
    };
  }, [transfer, sourceCard, seq, present, done]);

  const close = () => {
    transfer.dismiss();
    timeline.select(null);
  };
  const chosen = target ?? preview?.target ?? 'same';
  const blockedReason = (x: RestoreTarget) => (!present ? 'no-card' : preview?.blocked[x]);
  const canStart = present && preview !== null && !blockedReason(chosen) && sourceCard !== null;

  return (
    <Dialog labelledBy="restore-title" onClose={close} locked={running} className="restore-dialog">
      <h2 id="restore-title">{t('restore.title', { seq })}</h2>
      {entry && (
        <p className="muted">
          {t('restore.from', { date: formatDate(lang, entry.date) })} {sourceCard && t('restore.source', { card: formatCardNumber(sourceCard) })}
        </p>
      )}
      {done ? (
        <RestoreDone result={op.result} />
      ) : (
        <>
          {!preview && !previewError && present && <p className="muted">{t('restore.preview.loading')}</p>}
          {previewError && <ErrorNotice code={previewError} />}
          {preview && <RestorePreview preview={preview} />}
          <fieldset className="choices" disabled={running}>
            <legend>{t('restore.target')}</legend>
            {TARGETS.map((x) => {
              const why = blockedReason(x);
              return (
                <label key={x} className={why ? 'choice choice-disabled' : 'choice'}>
                  <input type="radio" name="restore-target" value={x} checked={chosen === x} disabled={why !== undefined} aria-describedby={`target-${x}-help`} onChange={() => setTarget(x)} />
                  <span className="choice-text">
                    <span className="choice-title">{t(`restore.${x}`)}</span>
                    <span className="choice-help" id={`target-${x}-help`}>
                      {why ? t(`restore.blocked.${why}`, { card: sourceCard ? formatCardNumber(sourceCard) : '' }) : t(`restore.${x}.help`)}
                    </span>
                  </span>
                </label>
              );
            })}
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
          {sourceCard && !running && <NameForm card={sourceCard} seq={seq} initial={entry?.name ?? ''} />}
          {running && <ProgressView label={t('restore.running')} progress={op.progress} />}
          <div aria-live="polite">
            {op?.phase === 'cancelled' && <ErrorNotice code="cancelled" />}
            {op?.phase === 'failed' && <ErrorNotice code={op.code} />}
          </div>
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
        {!done && !running && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={!canStart}
            onClick={() => sourceCard && transfer.restore({ sourceCard, seq, target: chosen, mode })}
          >
            {t('restore.start')}
          </button>
        )}
      </div>
    </Dialog>
  );
}
