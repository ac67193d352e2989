// Lint: TypeScript rules plus the layer rules of DESIGN.md. Layers import only
// downwards: ui -> host -> (vault, reader) -> card-sim -> protocol, and host never
// imports card-sim. Tests that wire layers together live in test/, not in src/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const layer = (name, forbidden, extra = []) => ({
  files: [`src/${name}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
            message: `src/${name} may not import this layer (DESIGN.md: layers import only downwards).`,
          },
          {
            regex: '^node:',
            message: 'Browser code: no Node built-ins in src/.',
          },
          ...extra,
        ],
      },
    ],
  },
});

/** Demo mode's simulated card and reader, kept beside the services that plug them in. */
const DEMO_WORLD = ['src/ui/services/demo-world.ts', 'src/ui/services/demo-issuer.ts', 'src/ui/services/demo-opening.ts', 'src/ui/services/saving-card.ts', 'src/ui/services/demo-store.ts', 'src/ui/services/demo-mode.ts'];

const noDom = {
  files: ['src/protocol/**/*.ts', 'src/card-sim/**/*.ts'],
  rules: {
    'no-restricted-globals': [
      'error',
      ...['window', 'document', 'navigator', 'localStorage', 'indexedDB', 'Buffer', 'process'].map((name) => ({
        name,
        message: 'protocol and card-sim are pure TypeScript: no DOM, no Node globals.',
      })),
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'MemberExpression[object.name="Buffer"]', message: 'Use Uint8Array, not Buffer.' },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Use Uint8Array, not Buffer.' }],
    },
  },
  layer('protocol', ['card-sim', 'reader', 'host', 'vault', 'ui']),
  layer('card-sim', ['reader', 'host', 'vault', 'ui']),
  layer('reader', ['card-sim', 'host', 'vault', 'ui']),
  layer('vault', ['card-sim', 'reader', 'host', 'ui']),
  layer('host', ['card-sim', 'ui']),
  // src/ui renders state and calls services: no protocol import, no card-sim, and no card
  // command built, parsed or sent (that is src/host's job). The one exception is demo
  // mode's simulated world (the card and reader in it), which is hardware, not UI.
  layer('ui', ['protocol', 'card-sim']),
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    ignores: DEMO_WORLD,
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'MemberExpression[object.name="Buffer"]', message: 'Use Uint8Array, not Buffer.' },
        ...['getApdu', 'parseResponse', 'transmit', 'encodeCommand'].map((name) => ({
          selector: `CallExpression[callee.property.name="${name}"], CallExpression[callee.name="${name}"]`,
          message: `src/ui sends no card command (${name}): call a host operation (src/host) through the services.`,
        })),
      ],
    },
  },
  {
    files: DEMO_WORLD,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^node:', message: 'Browser code: no Node built-ins in src/.' }] }],
    },
  },
  noDom,
  // The issuer's service (patent fig. 21) talks to cards only through a holder's host:
  // it shares the byte formats of src/protocol and nothing else of the app.
  {
    files: ['issuer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(src/)?(card-sim|reader|host|vault|ui)(/|$)',
              message: 'issuer/ imports only src/protocol (DESIGN.md: the issuer talks to cards only through hosts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.tsx', 'src/ui/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
