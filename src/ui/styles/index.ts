// All the app's CSS, bundled by Vite into one stylesheet (CSP: style-src 'self').
// Components do not import CSS themselves, so they also render in Node for tests.
import './base.css';
import './layout.css';
import './components.css';
import './memory-map.css';
import './timeline.css';
import './dialog.css';
import './connect.css';
