/**
 * The demo reader's options on the connect screen (issue 13): how the demo reader talks
 * to the demo card. Whole commands (the default), or the card's own transmission
 * protocol framed by the app's driver: T=1, T=0, or a card offering both. Remembered; the
 * next start of the demo uses it (services/demo-protocols.ts).
 */
import { useState } from 'react';
import type { MessageKey } from '../i18n/index.ts';
import { DEMO_PROTOCOL_CHOICES, demoProtocolChoice, setDemoProtocolChoice, type DemoProtocolChoice } from '../services/demo-protocols.ts';
import { useI18n } from '../state/hooks.ts';

const WORDS: Record<DemoProtocolChoice, MessageKey> = {
  apdu: 'connect.demo.protocol.apdu',
  t1: 'connect.demo.protocol.t1',
  t0: 'connect.demo.protocol.t0',
  both: 'connect.demo.protocol.both',
};

export function DemoReaderOptions({ disabled }: { disabled: boolean }) {
  const { t } = useI18n();
  const [choice, setChoice] = useState<DemoProtocolChoice>(() => demoProtocolChoice());
  return (
    <div className="demo-options">
      <label htmlFor="demo-protocol">{t('connect.demo.protocol')}</label>
      <select
        id="demo-protocol"
        value={choice}
        disabled={disabled}
        aria-describedby="demo-protocol-hint"
        onChange={(e) => {
          const c = e.target.value as DemoProtocolChoice;
          setChoice(c);
          setDemoProtocolChoice(c);
        }}
      >
        {DEMO_PROTOCOL_CHOICES.map((c) => (
          <option key={c} value={c}>
            {t(WORDS[c])}
          </option>
        ))}
      </select>
      <p id="demo-protocol-hint" className="muted small">
        {t('connect.demo.protocolHint')}
      </p>
    </div>
  );
}
