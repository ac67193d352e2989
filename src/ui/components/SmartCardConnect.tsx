/**
 * The Web Smart Card API as a reader source (issue 13): offered only where the browser has
 * navigator.smartCard (an installed Isolated Web App on ChromeOS). "Find readers" lists the
 * computer's readers as PC/SC sees them; the cardholder picks one and connects (exclusive).
 * Whatever the smart-card service refuses is said in plain words (connect.smartcard.why.*).
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ServiceErrorCode } from '../errors.ts';
import type { MessageKey } from '../i18n/index.ts';
import { isMessageKey } from '../i18n/index.ts';
import type { SmartCardReaderRow } from '../services/smart-card.ts';
import { useActions, useI18n } from '../state/hooks.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

/** A failure: the smart-card service's reason in plain words, else the app's words for its code. */
export function SmartCardNotice({ code, reason }: { code: ServiceErrorCode; reason: string | undefined }) {
  const { t } = useI18n();
  const key = `connect.smartcard.why.${reason ?? ''}`;
  if (!reason || !isMessageKey(key)) return <ErrorNotice code={code} />;
  return (
    <div className="notice notice-error" role="alert" data-error={code} data-reason={reason}>
      <p className="notice-title">{t('connect.smartcard.failed')}</p>
      <p>{t(key as MessageKey)}</p>
    </div>
  );
}

const reasonOf = (e: unknown): string | undefined => {
  const r = (e as { reason?: unknown } | null)?.reason;
  return typeof r === 'string' ? r : undefined;
};
const codeOf = (e: unknown): ServiceErrorCode => ((e as { code?: unknown } | null)?.code as ServiceErrorCode | undefined) ?? 'unknown';

export function SmartCardConnect({ busy, connecting, failed }: { busy: boolean; connecting: boolean; failed: { code: ServiceErrorCode; reason: string | undefined } | null }) {
  const { t } = useI18n();
  const { card } = useActions();
  const [readers, setReaders] = useState<SmartCardReaderRow[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [finding, setFinding] = useState(false);
  const [listFailed, setListFailed] = useState<{ code: ServiceErrorCode; reason: string | undefined } | null>(null);

  const find = async () => {
    setFinding(true);
    setListFailed(null);
    try {
      const rows = await card.smartCardReaders();
      setReaders(rows);
      setChosen((rows.find((r) => r.cardPresent && !r.busy) ?? rows[0])?.name ?? null);
    } catch (e) {
      setReaders(null);
      setListFailed({ code: codeOf(e), reason: reasonOf(e) });
    } finally {
      setFinding(false);
    }
  };

  // While the list is shown, it follows PC/SC: a card put in, taken out, or taken by
  // another program shows at once (not only at the next "Find readers"). The choice stays
  // unless its reader went; a failure to follow leaves the list as it was.
  const listed = readers !== null && readers.length > 0 && !connecting;
  useEffect(() => {
    if (!listed) return;
    const stop = new AbortController();
    card
      .followSmartCardReaders((rows) => {
        setReaders(rows);
        setChosen((was) => (rows.some((r) => r.name === was) ? was : ((rows.find((r) => r.cardPresent && !r.busy) ?? rows[0])?.name ?? null)));
      }, stop.signal)
      .catch(() => undefined);
    return () => stop.abort();
  }, [listed, card]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen !== null) void card.connectSmartCard(chosen);
  };

  const shown = listFailed ?? failed;
  return (
    <article className="panel connect-option" aria-labelledby="smartcard-title">
      <h3 id="smartcard-title">{t('connect.smartcard.title')}</h3>
      <p>{t('connect.smartcard.body')}</p>
      {readers && readers.length > 0 && (
        <form className="reader-choice" onSubmit={submit} aria-labelledby="smartcard-title">
          <fieldset>
            <legend>{t('connect.smartcard.readers')}</legend>
            {readers.map((r, i) => (
              <label key={r.name} className="choice-row">
                <input type="radio" name="smartcard-reader" value={r.name} checked={chosen === r.name} onChange={() => setChosen(r.name)} disabled={busy} />
                <span className="choice-name">{r.name}</span>
                <span className="muted small" id={`smartcard-state-${i}`}>
                  {r.busy ? t('connect.smartcard.busy') : r.cardPresent ? t('connect.smartcard.cardIn') : t('connect.smartcard.noCard')}
                </span>
              </label>
            ))}
          </fieldset>
          <button type="submit" className="btn btn-secondary" disabled={busy || chosen === null}>
            {connecting ? t('connect.connecting') : t('connect.smartcard.connect')}
          </button>
        </form>
      )}
      <button type="button" className={readers ? 'btn btn-quiet' : 'btn btn-secondary'} disabled={busy || finding} onClick={() => void find()}>
        {t('connect.smartcard.find')}
      </button>
      {shown && <SmartCardNotice code={shown.code} reason={shown.reason} />}
    </article>
  );
}
