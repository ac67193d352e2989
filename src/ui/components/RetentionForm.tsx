/**
 * Retention, like restic's forget: set the policy, see the keep/remove table with the
 * reason for every backup (the removals are marked on the timeline too), then confirm
 * and exactly the listed backups go.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { RetentionReason, RetentionRow } from '../model.ts';
import { formatBytes, formatCardNumber, formatDate } from '../format.ts';
import { countOf, type Translate } from '../i18n/index.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

const clampInt = (v: string, min: number, max: number) => Math.min(max, Math.max(min, Math.floor(Number(v)) || min));

export function reasonText(t: Translate, r: RetentionReason): string {
  switch (r.code) {
    case 'last':
      return t('retention.why.last', { n: r.n, rank: r.rank });
    case 'newest-of':
      return t(`retention.why.newest-of.${r.unit}`, { period: r.period });
    case 'other':
      return t('retention.why.other', { text: r.text });
    default:
      return t(`retention.why.${r.code}`);
  }
}

function PlanTable({ rows }: { rows: readonly RetentionRow[] }) {
  const { t, lang } = useI18n();
  return (
    <div className="table-scroll retention-table-wrap">
      <table className="retention-table" data-testid="retention-table">
        <caption className="visually-hidden">{t('retention.table')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('retention.col.card')}</th>
            <th scope="col">{t('retention.col.backup')}</th>
            <th scope="col">{t('retention.col.date')}</th>
            <th scope="col">{t('retention.col.action')}</th>
            <th scope="col">{t('retention.col.why')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.cardNumber}:${r.seq}`} className={`ret-${r.action}`} data-seq={r.seq} data-card={r.cardNumber} data-action={r.action}>
              <td>{formatCardNumber(r.cardNumber).slice(-4)}</td>
              <th scope="row">#{r.seq}</th>
              <td>{formatDate(lang, r.date)}</td>
              <td>{t(r.action === 'keep' ? 'retention.keep' : 'retention.remove')}</td>
              <td>{r.reasons.map((x) => reasonText(t, x)).join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RetentionForm() {
  const { t, lang } = useI18n();
  const { vault } = useActions();
  const policy = useApp('vault', (s) => s.policy);
  const plan = useApp('vault', (s) => s.retention);
  const removed = useApp('vault', (s) => s.removed);
  const busy = useApp('vault', (s) => s.busy);
  const [confirming, setConfirming] = useState(false);
  // The plan, then what was removed, take the focus when they appear.
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (plan || removed) result.current?.focus();
  }, [plan, removed]);
  const show = (e: FormEvent) => {
    e.preventDefault();
    void vault.planRetention();
  };
  const toRemove = plan?.rows.filter((r) => r.action === 'remove') ?? [];
  const list = toRemove.map((r) => `#${r.seq} (${formatCardNumber(r.cardNumber).slice(-4)})`).join(', ');
  return (
    <form className="vault-block retention" onSubmit={show}>
      <h3>{t('retention.heading')}</h3>
      <div className="form-grid">
        <label htmlFor="keep-last">{t('retention.keepLast')}</label>
        <input id="keep-last" type="number" min={1} max={100000} value={policy.keepLast}
          onChange={(e) => vault.setPolicy({ ...policy, keepLast: clampInt(e.target.value, 1, 100000) })} />
        <label htmlFor="keep-days">{t('retention.keepDays')}</label>
        <input id="keep-days" type="number" min={0} max={3650} value={policy.keepDailyDays}
          onChange={(e) => vault.setPolicy({ ...policy, keepDailyDays: clampInt(e.target.value, 0, 3650) })} />
      </div>
      <div className="button-row">
        <button type="submit" className="btn btn-secondary" disabled={busy !== null}>
          {t('retention.plan')}
        </button>
        <button type="button" className="btn btn-danger" disabled={busy !== null || toRemove.length === 0} onClick={() => setConfirming(true)}>
          {t('retention.apply')}
        </button>
      </div>
      <div aria-live="polite" data-testid="retention-result" tabIndex={-1} ref={result} className="result-region">
        {plan && (
          <p className="muted">
            {toRemove.length === 0
              ? t('retention.none')
              : t('retention.willRemove', { backups: countOf(t, lang, 'backups', toRemove.length), size: formatBytes(lang, plan.freedBytes) })}
          </p>
        )}
        {removed && <p className="notice notice-ok">{t('retention.removed', { backups: countOf(t, lang, 'backups', removed.removed), size: formatBytes(lang, removed.freedBytes) })}</p>}
      </div>
      {plan && plan.rows.length > 0 && <PlanTable rows={plan.rows} />}
      {confirming && (
        <ConfirmDialog
          id="retention-confirm-title"
          title={t('retention.confirm.title', { backups: countOf(t, lang, 'backups', toRemove.length) })}
          body={t('retention.confirm.body', { list })}
          confirm={t('retention.confirm.yes')}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void vault.applyRetention();
          }}
        />
      )}
    </form>
  );
}
