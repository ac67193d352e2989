/** Demo only: use the card as a terminal would, lose it, get a replacement, start over. */
import { useState, type FormEvent } from 'react';
import { formatYen } from '../format.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

export function DemoControls() {
  const { t, lang } = useI18n();
  const { card } = useActions();
  const busy = useApp('card', (s) => s.busyAction);
  const present = useApp('card', (s) => s.card !== null);
  const [record, setRecord] = useState('');
  const [confirmReset, setConfirmReset] = useState(false);

  const save = (e: FormEvent) => {
    e.preventDefault();
    void card.editRecord('allergy', record).then(() => setRecord(''));
  };
  const off = busy !== null || !present;

  return (
    <section className="panel demo" aria-labelledby="demo-heading" aria-busy={busy !== null}>
      <h2 id="demo-heading">{t('demo.heading')}</h2>
      <p className="muted">{t('demo.note')}</p>
      <p className="demo-pin" data-testid="demo-pin">{t('demo.pin')}</p>
      <div className="button-row">
        <button type="button" className="btn btn-secondary" disabled={off} onClick={() => void card.spend(500)}>
          {t('demo.spend', { amount: formatYen(lang, 500) })}
        </button>
        <button type="button" className="btn btn-secondary" disabled={off} onClick={() => void card.load(1000)}>
          {t('demo.load', { amount: formatYen(lang, 1000) })}
        </button>
        <button type="button" className="btn btn-secondary" disabled={off} onClick={() => void card.addPoints(50)}>
          {t('demo.points', { points: 50 })}
        </button>
      </div>
      <form className="record-form" onSubmit={save}>
        <label htmlFor="record-allergies">{t('demo.record.label')}</label>
        <div className="inline-field">
          <input id="record-allergies" type="text" maxLength={40} value={record} disabled={off} onChange={(e) => setRecord(e.target.value)} />
          <button type="submit" className="btn btn-secondary" disabled={off || record.trim() === ''}>
            {t('demo.record.save')}
          </button>
        </div>
      </form>
      <h3>{t('demo.card.heading')}</h3>
      <div className="button-row">
        <button type="button" className="btn btn-secondary" disabled={busy !== null || !present} onClick={() => void card.loseCard()}>
          {t('demo.lose')}
        </button>
        <button type="button" className="btn btn-secondary" disabled={busy !== null} onClick={() => void card.issueReplacementCard()}>
          {t('demo.replace')}
        </button>
      </div>
      <div className="demo-reset">
        <button type="button" className="btn btn-danger-quiet" disabled={busy !== null} aria-describedby="demo-reset-help" onClick={() => setConfirmReset(true)}>
          {t('demo.reset')}
        </button>
        <p id="demo-reset-help" className="muted small">
          {t('demo.reset.help')}
        </p>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {busy !== null ? t('demo.busy') : ''}
      </p>
      {confirmReset && (
        <ConfirmDialog
          id="reset-title"
          title={t('demo.reset.confirm.title')}
          body={t('demo.reset.confirm.body')}
          confirm={t('demo.reset.confirm.yes')}
          onCancel={() => setConfirmReset(false)}
          onConfirm={() => {
            setConfirmReset(false);
            void card.resetDemo();
          }}
        />
      )}
    </section>
  );
}
