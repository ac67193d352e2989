// The views render in Node (no DOM library): markup over the in-memory services.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/components/App.tsx';
import { harness, snapshot } from './harness.ts';


async function connected(lang: 'en' | 'ja') {
  const h = harness();
  h.stores.language.getState().setLang(lang);
  await h.actions.card.connectDemo();
  await h.actions.card.spend(500);
  // A spend changes no backed-up page (protocol v2); a record edit changes one.
  await h.actions.card.editRecord('allergy', 'pollen');
  return renderToStaticMarkup(createElement(App, { value: { stores: snapshot(h.stores), actions: h.actions } }));
}

describe('views', () => {
  it('the connect screen offers both ways in', () => {
    const h = harness();
    const html = renderToStaticMarkup(createElement(App, { value: { stores: h.stores, actions: h.actions } }));
    expect(html).toContain('Start the demo');
    expect(html).toContain('Connect a USB reader');
    expect(html).toContain('<h1>icvault</h1>');
  });

  it('the card view shows the number, every application, one cell per page and the changed page', async () => {
    const html = await connected('en');
    expect(html).toContain('4980 1234 5678 9012');
    for (const name of ['E-money', 'Credit', 'ID', 'Medical record', 'Membership points']) expect(html).toContain(`<h4>${name}</h4>`);
    expect(html.match(/class="page owner-/g)).toHaveLength(192);
    expect(html.match(/page-changed/g)).toHaveLength(1);
    expect(html).toContain('¥11,980');
  });

  it('renders in Japanese with no English left in the headings', async () => {
    const html = await connected('ja');
    for (const h of ['お手持ちのカード', 'カードのメモリ', 'バックアップ', 'カードを使ってみる']) expect(html).toContain(h);
    expect(html).not.toContain('Your card');
    expect(html).toContain('￥11,980');
  });
});
