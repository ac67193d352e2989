/**
 * How the demo reader talks to the demo card (issue 13), the cardholder's choice on the
 * connect screen, remembered here. 'apdu' (the default): a reader that takes whole
 * commands (extended APDUs), the card offering T=1. The others make the demo reader a
 * TPDU reader declaring both T=0 and T=1 (dwProtocols 3), so the app's own driver frames
 * the card's protocol: T=1 blocks, T=0 TPDUs with their procedure bytes and GET RESPONSE,
 * or, when the card offers both, the one the driver negotiates (demo-reader.ts). No reader
 * code here: the start screen imports this.
 */
import type { DemoWorldOptions } from './demo-world.ts';
import type { SettingsStorage } from './bridge-settings.ts';

export const DEMO_PROTOCOL_CHOICES = ['apdu', 't1', 't0', 'both'] as const;
export type DemoProtocolChoice = (typeof DEMO_PROTOCOL_CHOICES)[number];

/** The simulated card's protocols, default first (card-sim/atr.ts). */
type CardProtocols = NonNullable<DemoWorldOptions['protocols']>;

const KEY = 'icvault.demo.protocols';
const CARD: Record<Exclude<DemoProtocolChoice, 'apdu'>, CardProtocols> = { t1: [1], t0: [0], both: [0, 1] };

const storage = (): SettingsStorage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);

/** The remembered choice; 'apdu' when none (or one this version does not know). */
export function demoProtocolChoice(s: SettingsStorage | undefined = storage()): DemoProtocolChoice {
  const v = s?.getItem(KEY);
  return (DEMO_PROTOCOL_CHOICES as readonly string[]).includes(v ?? '') ? (v as DemoProtocolChoice) : 'apdu';
}

export function setDemoProtocolChoice(choice: DemoProtocolChoice, s: SettingsStorage | undefined = storage()): void {
  if (choice === 'apdu') s?.removeItem(KEY);
  else s?.setItem(KEY, choice);
}

/** The demo world's option for a choice (DemoWorldOptions.protocols): none for 'apdu'. */
export function demoProtocolOptions(choice: DemoProtocolChoice = demoProtocolChoice()): { protocols?: CardProtocols } {
  return choice === 'apdu' ? {} : { protocols: CARD[choice] };
}
