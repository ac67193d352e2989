import { existsSync } from 'node:fs';

/** Where the Chromium for tests lives: CHROME_PATH wins, then Debian's, then common Chrome paths. */
export function chromiumExecutable(): string {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(
    'No Chromium found. Install Debian\'s chromium (apt-get install chromium) or set CHROME_PATH to a Chrome binary.',
  );
}
