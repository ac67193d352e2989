import { createRoot } from 'react-dom/client';
import { createActions } from './actions/index.ts';
import { App } from './components/App.tsx';
import { pickLanguage } from './state/language.ts';
import { createStores } from './state/stores.ts';
import { unwiredServices } from './unwired.ts';
import './styles/index.ts';

// The real services (host flows over the reader stack and the vault, demo card in a
// simulated USB reader) are wired here once those layers land; until then every call
// answers "unavailable" and the app shows its connect screen.
const stores = createStores(pickLanguage(navigator.languages));
const actions = createActions(unwiredServices, stores);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(<App value={{ stores, actions }} />);
