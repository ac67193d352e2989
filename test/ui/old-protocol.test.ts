// A backup made by a card of protocol version 1 (issue 10): the timeline keeps it, names it,
// and offers no restore (no version-2 card can open it), in words the holder can act on.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TimelineRow } from '../../src/ui/components/TimelineRow.tsx';
import { AppContext } from '../../src/ui/state/hooks.ts';
import { entryOf } from '../../src/ui/services/vault-view.ts';
import { harness, snapshot } from './harness.ts';
import type { TimelineEntry } from '../../src/vault/index.ts';

const stored = (version: 1 | 2): TimelineEntry =>
  ({ cardNumber: '4900000000000001', seq: 3, kind: 'full', date: Date.UTC(2026, 0, 1), bytes: 70_000, pagesChanged: [], confirmed: true, chain: 'ok', version }) as unknown as TimelineEntry;

function row(version: 1 | 2, lang: 'en' | 'ja' = 'en'): string {
  const h = harness();
  h.stores.language.getState().setLang(lang);
  const entry = entryOf(stored(version), new Set());
  return renderToStaticMarkup(createElement(AppContext.Provider, { value: { stores: snapshot(h.stores), actions: h.actions } }, createElement(TimelineRow, { entry, marked: false, onRestore: () => undefined })));
}

describe('a version-1 backup in the timeline', () => {
  it('is marked, explained, and has no Restore button; a version-2 backup has one', () => {
    expect(entryOf(stored(1), new Set()).oldProtocol).toBe(true);
    expect(entryOf(stored(2), new Set()).oldProtocol).toBeUndefined();
    const v1 = row(1);
    expect(v1).toContain('Version 1');
    expect(v1).toContain('Export only');
    expect(v1).toContain('no version-2 card can restore it');
    expect(v1).not.toContain('>Restore');
    expect(row(2)).toContain('>Restore');
    expect(row(1, 'ja')).toContain('書き出しのみ');
  });
});
