/**
 * Before the PIN: what the restore will undo, per application (the card now, the chosen
 * point, right after). Version 2: a restore loses no value (preview.ts), so the losses
 * list stays empty unless a reading says otherwise.
 */
import type { AppPreview, RestorePreview as Preview } from '../model.ts';
import { formatValue } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useI18n } from '../state/hooks.ts';

function Cell({ a, which }: { a: AppPreview; which: 'now' | 'point' | 'after' }) {
  const { t, lang } = useI18n();
  const value = which === 'now' ? a.now : which === 'point' ? a.atPoint : a.after;
  const records = which === 'now' ? a.recordsNow : which === 'point' ? a.recordsAtPoint : a.recordsAtPoint;
  const parts: string[] = [];
  if (value) parts.push(formatValue(lang, t, value));
  else if (which === 'point' && a.now) parts.push(t('restore.preview.unknown'));
  if (records !== null) parts.push(t('restore.preview.records', { count: records }));
  if (which === 'point' && a.dataDiffers !== null && !a.now) parts.push(t(a.dataDiffers ? 'restore.preview.dataDiffers' : 'restore.preview.dataSame'));
  if (which === 'after' && !a.after && records === null) parts.push(t('restore.preview.back'));
  // The card now, for an application without value or records: its data, shown on the card view.
  if (parts.length === 0) parts.push(which === 'now' ? '—' : t('restore.preview.unknown'));
  return <td data-col={which}>{parts.join(' · ')}</td>;
}

export function RestorePreview({ preview }: { preview: Preview }) {
  const { t, lang } = useI18n();
  const losses = preview.apps.filter((a) => a.now && a.after && a.now.amount > a.after.amount);
  return (
    <section className="restore-preview" aria-labelledby="preview-heading" data-testid="restore-preview">
      <h3 id="preview-heading">{t('restore.preview.heading')}</h3>
      {!preview.pointKnown && <p className="muted small">{t('restore.preview.unknownPoint')}</p>}
      <div className="table-scroll">
        <table className="preview-table">
          <thead>
            <tr>
              <th scope="col">{t('restore.preview.app')}</th>
              <th scope="col">{t('restore.preview.now')}</th>
              <th scope="col">{t('restore.preview.point')}</th>
              <th scope="col">{t('restore.preview.after')}</th>
              {preview.pagesChangedSince !== null && <th scope="col">{t('restore.preview.pagesCol')}</th>}
            </tr>
          </thead>
          <tbody>
            {preview.apps.map((a) => (
              <tr key={a.kind} data-app={a.kind}>
                <th scope="row">{t(`appname.${a.kind}`)}</th>
                <Cell a={a} which="now" />
                <Cell a={a} which="point" />
                <Cell a={a} which="after" />
                {preview.pagesChangedSince !== null && <td data-col="pages">{a.pagesChanged ?? 0}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        {preview.pagesChangedSince === null ? t('restore.preview.allPages') : t('restore.preview.pages', { pages: countOf(t, lang, 'pages', preview.pagesChangedSince) })}
      </p>
      {losses.length > 0 && (
        <ul className="notice notice-warn preview-losses" data-testid="preview-losses">
          {losses.map((a) => (
            <li key={a.kind} data-app={a.kind}>
              {a.atPoint && a.now
                ? t('restore.preview.lost', { app: t(`appname.${a.kind}`), now: formatValue(lang, t, a.now), point: formatValue(lang, t, a.atPoint) })
                : t('restore.preview.lostNow', { app: t(`appname.${a.kind}`), now: a.now ? formatValue(lang, t, a.now) : '' })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
