/** The view harness page: the real App over the in-memory services, in a chosen scene. */
import { createRoot } from 'react-dom/client';
import { createActions } from '../../../src/ui/actions/index.ts';
import { App } from '../../../src/ui/components/App.tsx';
import { pickLanguage } from '../../../src/ui/state/language.ts';
import { createStores } from '../../../src/ui/state/stores.ts';
import '../../../src/ui/styles/index.ts';
import { createMemoryServices } from '../memory-services.ts';
import { scenes } from './scenes.ts';

const params = new URLSearchParams(location.search);
const scene = scenes[params.get('scene') ?? 'connect'];
if (!scene) throw new Error(`no scene ${params.get('scene')}`);
const stores = createStores(pickLanguage(navigator.languages));
const actions = createActions(createMemoryServices(scene.options).services, stores);
const root = document.getElementById('root');
if (!root) throw new Error('no #root');
createRoot(root).render(<App value={{ stores, actions }} />);
void scene.run(actions, stores).then(() => document.body.setAttribute('data-scene-ready', ''));
