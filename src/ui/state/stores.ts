/** All the app's stores, made together so the app, tests and a future wiring share one shape. */
import type { Lang } from '../i18n/index.ts';
import { createCardStore } from './card.ts';
import { createConnectionStore } from './connection.ts';
import { createIssuerStore } from './issuer.ts';
import { createLanguageStore } from './language.ts';
import { createOperationStore } from './operation.ts';
import { createPinStore } from './pin.ts';
import { createTimelineStore } from './timeline.ts';
import { createVaultStore } from './vault.ts';

export function createStores(lang: Lang, onLanguage?: (lang: Lang) => void) {
  return {
    connection: createConnectionStore(),
    card: createCardStore(),
    pin: createPinStore(),
    operation: createOperationStore(),
    timeline: createTimelineStore(),
    vault: createVaultStore(),
    language: createLanguageStore(lang, onLanguage),
    issuer: createIssuerStore(),
  };
}

export type Stores = ReturnType<typeof createStores>;
