import { createRoot } from 'react-dom/client';
import { createActions } from './actions/index.ts';
import { App } from './components/App.tsx';
import { pickLanguage } from './state/language.ts';
import { createStores } from './state/stores.ts';
import { createServices } from './services/create.ts';
import './styles/index.ts';

// The real services: host flows over the CCID driver (a WebUSB reader, or demo mode's
// simulated USB reader), the vault in IndexedDB, demo cards saved beside it.
const stores = createStores(pickLanguage(navigator.languages));
const actions = createActions(createServices(navigator.usb), stores);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(<App value={{ stores, actions }} />);

// `npm start` opens /?demo: straight into demo mode with the simulated card, as a
// newcomer expects. Without it the start screen offers the demo and a real reader.
if (new URLSearchParams(location.search).has('demo')) void actions.card.connectDemo();
