import { createRoot } from 'react-dom/client';

// Placeholder root until the app views land (issue 6); it renders the product name
// so the end-to-end harness has a real page to check.
function App() {
  return (
    <main>
      <h1>icvault</h1>
      <p>Back up and restore your IC card, encrypted inside the card.</p>
    </main>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(<App />);
