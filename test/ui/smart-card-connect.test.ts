/**
 * The connect screen's Web Smart Card source (src/ui/services/smart-card.ts): which reader
 * it picks, that it connects exclusive at once (a refusal comes at connect), and that
 * every refusal keeps its reason, which both catalogues say in plain words.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/ui/i18n/en.ts';
import { ja } from '../../src/ui/i18n/ja.ts';
import { SMART_CARD_ERRORS } from '../../src/reader/smart-card/index.ts';
import type { SmartCardContext, SmartCardResourceManager } from '../../src/reader/smart-card/api.ts';
import { openSmartCard, SMART_CARD_REASONS, smartCardReaders, smartCardReason, SmartCardServiceError } from '../../src/ui/services/smart-card.ts';
import { hasSmartCardApi } from '../../src/ui/services/smart-card-present.ts';

type Reader = { present: boolean; held?: boolean };
const scError = (responseCode: string) => Object.assign(new Error(`SCARD ${responseCode}`), { name: 'SmartCardError', responseCode });

/** PC/SC's shape over named readers; `failConnect` makes connect throw it. Every card answers 90 00. */
function fake(readers: Record<string, Reader>, failConnect?: unknown) {
  const log: string[] = [];
  const ctx: SmartCardContext = {
    listReaders: async () => Object.keys(readers),
    getStatusChange: async (states, options) => {
      // Nothing ever changes here: a watch (no timeout, a known state) waits until it is aborted.
      if (options?.timeout === undefined && !states.some((s) => s.currentState.unaware)) {
        await new Promise((_, reject) => options?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
      }
      return states.map((s) => {
        const r = readers[s.readerName];
        return { readerName: s.readerName, eventState: r?.present ? { present: true, exclusive: !!r.held } : { empty: true }, eventCount: 1, ...(r?.present ? { answerToReset: Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01).buffer } : {}) };
      });
    },
    connect: async (name, mode) => {
      if (failConnect) throw failConnect;
      log.push(`connect ${name} ${mode}`);
      return {
        connection: {
          transmit: async () => Uint8Array.of(0x90, 0x00).buffer,
          status: async () => ({ readerName: name, state: 'specific' }),
          disconnect: async (d) => void log.push(`disconnect ${d ?? ''}`),
        },
      };
    },
  };
  const api: SmartCardResourceManager = { establishContext: async () => ctx };
  return { api, log };
}

describe('the Web Smart Card source of the connect screen', () => {
  it('is offered only where navigator.smartCard has establishContext', () => {
    expect(hasSmartCardApi({})).toBe(false);
    expect(hasSmartCardApi({ smartCard: {} })).toBe(false);
    expect(hasSmartCardApi({ smartCard: { establishContext: () => undefined } })).toBe(true);
  });

  it('lists the readers with their card and hold', async () => {
    const { api } = fake({ 'A 00': { present: false }, 'B 01': { present: true, held: true }, 'C 02': { present: true } });
    expect(await smartCardReaders(api)).toEqual([
      { name: 'A 00', cardPresent: false, busy: false },
      { name: 'B 01', cardPresent: true, busy: true },
      { name: 'C 02', cardPresent: true, busy: false },
    ]);
  });

  it('connects exclusive at once to the first reader with a card no other program holds, and hands that session to the link first', async () => {
    const { api, log } = fake({ 'A 00': { present: false }, 'B 01': { present: true, held: true }, 'C 02': { present: true } });
    const { name, source } = await openSmartCard(undefined, api);
    expect(name).toBe('C 02');
    expect(log).toEqual(['connect C 02 exclusive']);
    const t = await source.openCard();
    expect(log).toEqual(['connect C 02 exclusive']);
    expect([...(await t.transmit(Uint8Array.of(0, 0xa4, 4, 0)))]).toEqual([0x90, 0x00]);
    await source.close();
    expect(log).toEqual(['connect C 02 exclusive', 'disconnect reset']);
  });

  it('says "no readers" when PC/SC lists none, when listing and when connecting', async () => {
    const { api } = fake({});
    await expect(smartCardReaders(api)).rejects.toMatchObject({ code: 'reader-lost', reason: 'no-readers' });
    await expect(openSmartCard(undefined, api)).rejects.toMatchObject({ code: 'reader-lost', reason: 'no-readers' });
  });

  it('keeps the reason of every SmartCardError and DOMException at connect', async () => {
    for (const reason of SMART_CARD_REASONS.filter((r) => r !== 'no-readers')) {
      const thrown = reason in SMART_CARD_ERRORS ? scError(reason) : new DOMException('refused', reason);
      const { api } = fake({ 'C 02': { present: true } }, thrown);
      const e = await openSmartCard('C 02', api).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(SmartCardServiceError);
      expect([reason, (e as SmartCardServiceError).reason, smartCardReason(e)]).toEqual([reason, reason, reason]);
    }
    // The service code is the reader layer's (errors.ts): e.g. another program's hold is 'device-busy'.
    const busy = await openSmartCard('C 02', fake({ 'C 02': { present: true } }, scError('sharing-violation')).api).catch((x: unknown) => x);
    expect(busy).toMatchObject({ code: 'device-busy', reason: 'sharing-violation' });
  });

  it('has plain words for every reason in English and Japanese', () => {
    for (const reason of SMART_CARD_REASONS) {
      const key = `connect.smartcard.why.${reason}` as const;
      expect([key, en[key]?.length > 20]).toEqual([key, true]);
      expect([key, ja[key] !== en[key] && ja[key]?.length > 10]).toEqual([key, true]);
    }
    // Exactly these: no words for a reason that no longer exists.
    expect(Object.keys(en).filter((k) => k.startsWith('connect.smartcard.why.')).sort()).toEqual(SMART_CARD_REASONS.map((r) => `connect.smartcard.why.${r}`).sort());
  });
});
