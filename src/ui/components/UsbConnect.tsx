/**
 * "Use your own card reader": the browser's WebUSB chooser, then, when the device has
 * several CCID interfaces (a contact slot beside a contactless or SAM one), the
 * cardholder chooses which; with one it is used without a question (issue 13).
 */
import { useState, type FormEvent } from 'react';
import type { ServiceErrorCode } from '../errors.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { UsbInterfaceRow } from '../services/usb-choice.ts';
import { useActions, useI18n } from '../state/hooks.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

/** How each exchange level reads to a cardholder. */
const LEVEL_WORDS: Readonly<Record<string, MessageKey>> = {
  character: 'connect.usb.level.character',
  tpdu: 'connect.usb.level.tpdu',
  'short-apdu': 'connect.usb.level.short-apdu',
  'extended-apdu': 'connect.usb.level.extended-apdu',
};

export function UsbConnect({ busy, connecting, failed }: { busy: boolean; connecting: boolean; failed: ServiceErrorCode | null }) {
  const { t } = useI18n();
  const { card } = useActions();
  const [choices, setChoices] = useState<UsbInterfaceRow[] | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);

  const pick = async () => {
    setChoices(null);
    const rows = await card.pickUsbReader();
    if (!rows) return;
    setChoices(rows);
    setChosen(rows.find((r) => r.usable)?.interfaceNumber ?? null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen !== null) void card.connectUsbInterface(chosen);
  };

  return (
    <article className="panel connect-option" aria-labelledby="usb-title">
      <h3 id="usb-title">{t('connect.reader.title')}</h3>
      <p>{t('connect.reader.body')}</p>
      {choices && (
        <form className="reader-choice" onSubmit={submit} aria-labelledby="usb-title">
          <fieldset>
            <legend>{t('connect.usb.interfaces')}</legend>
            {choices.map((r) => (
              <label key={r.interfaceNumber} className="choice-row">
                <input type="radio" name="usb-interface" value={r.interfaceNumber} checked={chosen === r.interfaceNumber} onChange={() => setChosen(r.interfaceNumber)} disabled={busy || !r.usable} />
                <span className="choice-name">{r.name ?? t('connect.usb.interface', { number: r.interfaceNumber })}</span>
                <span className="muted small">
                  {r.name ? `${t('connect.usb.interface', { number: r.interfaceNumber })} · ` : ''}
                  {r.usable ? t(LEVEL_WORDS[r.level] ?? 'connect.usb.level.tpdu') : t('connect.usb.unusable')}
                  {r.usable && r.slots > 1 ? ` · ${t('connect.usb.slots', { count: r.slots })}` : ''}
                </span>
              </label>
            ))}
          </fieldset>
          <button type="submit" className="btn btn-secondary" disabled={busy || chosen === null}>
            {connecting ? t('connect.connecting') : t('connect.usb.connect')}
          </button>
        </form>
      )}
      <button type="button" className={choices ? 'btn btn-quiet' : 'btn btn-secondary'} disabled={busy} onClick={() => void pick()}>
        {busy && connecting && !choices ? t('connect.connecting') : t('connect.reader.button')}
      </button>
      {failed && <ErrorNotice code={failed} />}
    </article>
  );
}
