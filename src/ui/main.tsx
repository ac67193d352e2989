import { createRoot } from 'react-dom/client';
import { createActions } from './actions/index.ts';
import { App } from './components/App.tsx';
import { LANGS, type Lang } from './i18n/index.ts';
import { pickLanguage } from './state/language.ts';
import { createStores } from './state/stores.ts';
import { lazyServices } from './services/lazy.ts';
import './styles/index.ts';

// What survives a reload: the language chosen and whether the demo was running (the demo
// card itself is saved by the demo world, the backups by the vault).
const LANG_KEY = 'icvault.lang';
const SESSION_KEY = 'icvault.session';
const saved = localStorage.getItem(LANG_KEY);
const lang = LANGS.includes(saved as Lang) ? (saved as Lang) : pickLanguage(navigator.languages);

// The real services (loaded on first use): host operations over the CCID driver (a
// WebUSB reader, or demo mode's simulated USB reader) or the PC/SC bridge, the vault in IndexedDB.
const stores = createStores(lang, (l) => localStorage.setItem(LANG_KEY, l));
const actions = createActions(lazyServices(navigator.usb), stores);

stores.connection.subscribe((s) => {
  const st = s.state;
  if ((st.status === 'card-present' || st.status === 'card-absent') && st.reader.kind === 'demo') localStorage.setItem(SESSION_KEY, 'demo');
  else if (st.status === 'no-reader') localStorage.removeItem(SESSION_KEY);
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(<App value={{ stores, actions }} />);

// `npm start` opens /?demo: straight into demo mode with the simulated card, as a
// newcomer expects; a reload of a running demo comes back to it. Without either the
// start screen offers the demo, a real reader and the bridge.
if (new URLSearchParams(location.search).has('demo') || localStorage.getItem(SESSION_KEY) === 'demo') void actions.card.connectDemo();
