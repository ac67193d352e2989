// The issuer in the views (issue 11), rendered in Node over the in-memory services with
// the issuer's calls added: the recovery code dialog appears once and goes when the
// holder says it is written down; the timeline names where each backup is (en + ja);
// the lost-card report shows the stop or the refusal by its code.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { createActions } from '../../src/ui/actions/index.ts';
import { App } from '../../src/ui/components/App.tsx';
import type { CopyPlace, IssuerLinkOutcome, IssuerSyncState } from '../../src/ui/model.ts';
import type { Services } from '../../src/ui/services/contract.ts';
import { createStores, type Stores } from '../../src/ui/state/stores.ts';
import { createMemoryServices } from '../ui/memory-services.ts';
import { settle } from '../ui/harness.ts';

function snapshot(stores: Stores): Stores {
  const out: Record<string, unknown> = {};
  for (const [name, store] of Object.entries(stores)) {
    const state: unknown = store.getState();
    out[name] = createStore(() => state);
  }
  return out as Stores;
}

const CODE = 'K7QM-2XJD-9PRT-4WHC';

function withIssuer(places: CopyPlace[] = []) {
  const mem = createMemoryServices({ seedBackups: places.length });
  let registered = false;
  const stateListeners = new Set<(s: IssuerSyncState) => void>();
  const lostCalls: [string, string][] = [];
  const services: Services = {
    ...mem.services,
    timeline: async (card, offset, limit) => (await mem.services.timeline(card, offset, limit)).map((e) => ({ ...e, place: places[e.seq - 1] ?? 'device' })),
    issuerLink: async (): Promise<IssuerLinkOutcome> => {
      const first = !registered;
      registered = true;
      return { cardNumber: '4980123456789012', recoveryCode: first ? CODE : null, filled: 0, replaces: null };
    },
    onIssuerState: (l) => {
      stateListeners.add(l);
      return () => stateListeners.delete(l);
    },
    reportLost: async (cardNumber, recoveryCode) => {
      lostCalls.push([cardNumber, recoveryCode]);
      if (recoveryCode !== CODE) throw Object.assign(new Error('the recovery code does not match'), { code: 'recovery-code-wrong' });
      return { cardNumber, stopNumber: 7, stoppedAt: 0 };
    },
  };
  const stores = createStores('en');
  const actions = createActions(services, stores);
  const render = () => renderToStaticMarkup(createElement(App, { value: { stores: snapshot(stores), actions } }));
  return { stores, actions, render, lostCalls, emit: (s: IssuerSyncState) => stateListeners.forEach((l) => l(s)) };
}

async function untilLinked(stores: Stores) {
  for (let i = 0; i < 50 && (stores.issuer.getState().available === null || stores.issuer.getState().linking); i++) await settle();
}

describe('the issuer in the views', () => {
  it('shows the recovery code once, until the holder has written it down', async () => {
    const w = withIssuer();
    await w.actions.card.connectDemo();
    await untilLinked(w.stores);
    const html = w.render();
    expect(html).toContain(CODE);
    expect(html).toContain('I have written it down');
    expect(html).toContain('Copy at your card issuer');
    w.actions.issuer.recoveryWrittenDown();
    expect(w.render()).not.toContain(CODE);
    // The card proves itself again (registered now): no code comes back, none is shown.
    await w.actions.issuer.link();
    expect(w.stores.issuer.getState().recovery).toBeNull();
    expect(w.render()).not.toContain(CODE);
  });

  it('names where each backup is, in the row and in its accessible text (en and ja)', async () => {
    const w = withIssuer(['both', 'device', 'issuer']);
    await w.actions.card.connectDemo();
    await untilLinked(w.stores);
    w.actions.timeline.showRows(0, 10);
    await settle();
    await settle();
    const html = w.render();
    expect(html).toContain('data-place="both"');
    expect(html).toContain('data-place="device"');
    expect(html).toContain('kept on: This device + issuer');
    expect(html).toContain('kept on: This device');
    // Held by the issuer only: said so, and no restore offered from this device.
    expect(html).toContain('data-place="issuer"');
    expect(html).toContain('Backup no. 3, Changes');
    expect(html).toContain('held by the issuer only');
    expect(html).toContain('aria-label="Restore… #2"');
    expect(html).not.toContain('aria-label="Restore… #3"');
    w.stores.language.getState().setLang('ja');
    const ja = w.render();
    expect(ja).toContain('保管場所：この端末＋発行者');
  });

  it('says when the issuer cannot be reached, and reports a lost card (a wrong code refused by its code)', async () => {
    const w = withIssuer();
    await w.actions.card.connectDemo();
    await untilLinked(w.stores);
    w.emit({ kind: 'offline', message: 'the issuer at http://127.0.0.1:9 could not be reached' });
    expect(w.render()).toContain('The card issuer cannot be reached. Your backups stay on this device and are sent later.');

    await w.actions.issuer.reportLost('4980 1234 5678 9012', 'WRONG');
    expect(w.render()).toContain('data-error="recovery-code-wrong"');
    await w.actions.issuer.reportLost('4980123456789012', CODE);
    const html = w.render();
    expect(html).toContain('Card 4980 1234 5678 9012 is stop-listed (entry no. 7).');
    expect(html).not.toContain('data-error="recovery-code-wrong"');
    expect(w.lostCalls).toHaveLength(2);
  });
});
