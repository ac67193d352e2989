/**
 * Storage health for the holder (issue 15): bytes used against the browser's quota,
 * whether the storage is persistent, and what to do when it is nearly full. Self-contained:
 * everything comes in as props (the vault's StorageHealth and the actions to offer), so
 * the screen that mounts it decides where it goes.
 */
import { formatBytes } from '../format.ts';
import type { Lang, Translate } from '../i18n/index.ts';

/** The vault's StorageHealth (src/vault/health.ts), as this component reads it. */
export interface StorageHealthData {
  usedBytes: number | null;
  quotaBytes: number | null;
  persisted: boolean | null;
  fullBackupBytes: number;
  level: 'ok' | 'nearly-full' | 'full' | 'unknown';
}

export interface StorageHealthProps {
  health: StorageHealthData;
  t: Translate;
  lang: Lang;
  /** Open the retention (clean-up) screen. */
  onCleanUp?: () => void;
  /** Ask the browser to keep the storage (navigator.storage.persist). */
  onPersist?: () => void;
}

export function StorageHealth({ health, t, lang, onCleanUp, onPersist }: StorageHealthProps) {
  const { usedBytes, quotaBytes, persisted, level } = health;
  const known = usedBytes !== null && quotaBytes !== null && quotaBytes > 0;
  const percent = known ? Math.min(100, Math.round((usedBytes / quotaBytes) * 100)) : 0;
  const alarm = level === 'full' || level === 'nearly-full';
  return (
    <section className={`storage-health storage-${level}`} aria-labelledby="storage-health-title" data-testid="storage-health" data-level={level}>
      <h3 id="storage-health-title">{t('storage.title')}</h3>
      {known ? (
        <>
          <p>{t('storage.used', { used: formatBytes(lang, usedBytes), quota: formatBytes(lang, quotaBytes), percent })}</p>
          <progress max={100} value={percent} aria-label={t('storage.used.label')}>
            {percent}%
          </progress>
        </>
      ) : (
        <p>{t('storage.unknown')}</p>
      )}
      <p>{persisted === true ? t('storage.persisted') : persisted === false ? t('storage.notPersisted') : t('storage.persisted.unknown')}</p>
      {alarm && (
        <div className={`notice ${level === 'full' ? 'notice-error' : 'notice-warn'}`} role={level === 'full' ? 'alert' : 'status'}>
          <p className="notice-title">{t(level === 'full' ? 'storage.full' : 'storage.nearlyFull', { size: formatBytes(lang, health.fullBackupBytes) })}</p>
          <p>{t('storage.advice')}</p>
        </div>
      )}
      {(alarm || persisted === false) && (
        <div className="inline-field">
          {alarm && onCleanUp && (
            <button type="button" className="btn btn-secondary" onClick={onCleanUp}>
              {t('storage.cleanUp')}
            </button>
          )}
          {persisted === false && onPersist && (
            <button type="button" className="btn btn-quiet" onClick={onPersist}>
              {t('storage.persist')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
