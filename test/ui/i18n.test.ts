import { describe, expect, it } from 'vitest';
import { en } from '../../src/ui/i18n/en.ts';
import { catalogs, countOf, interpolate, isMessageKey, placeholders, translator } from '../../src/ui/i18n/index.ts';
import { ja } from '../../src/ui/i18n/ja.ts';
import { SERVICE_ERROR_CODES } from '../../src/ui/errors.ts';
import { APP_KINDS } from '../../src/ui/model.ts';

const keys = Object.keys(en).sort();

describe('catalogues', () => {
  it('Japanese has exactly the English keys', () => {
    expect(Object.keys(ja).sort()).toEqual(keys);
  });
  it('every translation keeps the same {placeholders}', () => {
    for (const lang of ['en', 'ja'] as const) {
      for (const k of keys) {
        if (!isMessageKey(k)) throw new Error(k);
        expect([lang, k, placeholders(catalogs[lang][k])]).toEqual([lang, k, placeholders(en[k])]);
      }
    }
  });
  it('no message is empty, and Japanese text is Japanese (not copied English)', () => {
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    const sameOnPurpose = new Set(['app.title', 'lang.en', 'lang.ja', 'timeline.card.plain', 'timeline.card.count', 'retention.why.other']);
    for (const k of keys) {
      if (!isMessageKey(k)) throw new Error(k);
      expect(en[k].trim()).not.toBe('');
      if (!sameOnPurpose.has(k)) expect([k, japanese.test(ja[k])]).toEqual([k, true]);
    }
  });
  it('has a title and a help text for every error code, and a name for every application', () => {
    for (const c of SERVICE_ERROR_CODES) {
      expect(isMessageKey(`error.${c}.title`)).toBe(true);
      expect(isMessageKey(`error.${c}.help`)).toBe(true);
    }
    for (const a of APP_KINDS) expect(isMessageKey(`appname.${a}`)).toBe(true);
  });
  it('the protected-class help names every way out', () => {
    const help = en['error.protected-class.help'];
    for (const w of ['0x0B', 'Isolated Web App', 'usb-unrestricted', 'vendor-specific', 'local bridge', 'demo']) expect(help).toContain(w);
    // There is no desktop app: the help must not send anyone looking for one (issue 13).
    expect(help).not.toContain('Electron');
  });
});

describe('interpolate', () => {
  it('fills known names and leaves unknown ones', () => {
    expect(interpolate('{a} of {b} {c}', { a: 1, b: 'two' })).toBe('1 of two {c}');
    expect(interpolate('no vars')).toBe('no vars');
    expect(translator('ja')('pin.tries', { count: 2 })).toBe('あと2回入力できます');
  });
});

describe('countOf', () => {
  it('says one thing in the singular and groups thousands', () => {
    expect(countOf(translator('en'), 'en', 'backups', 1)).toBe('1 backup');
    expect(countOf(translator('en'), 'en', 'backups', 10_000)).toBe('10,000 backups');
    expect(countOf(translator('en'), 'en', 'pages', 0)).toBe('0 pages');
    expect(countOf(translator('ja'), 'ja', 'cards', 2)).toBe('2枚');
  });
});

describe('reader failures are worded by the translations only', () => {
  it('every ReaderErrorCode has a service code with words in both languages, including the ways out the reader layer knows', async () => {
    const { toServiceError } = await import('../../src/ui/services/errors.ts');
    const { ReaderError } = await import('../../src/reader/errors.ts');
    const codes = ['NO_WEBUSB', 'CHOOSER_CANCELLED', 'PROTECTED_CLASS', 'INTERFACE_BUSY', 'ACCESS_DENIED', 'NOT_A_READER', 'DEVICE_GONE', 'NO_CARD', 'CARD_REMOVED', 'CARD_MUTE', 'TIMEOUT', 'ABORTED', 'READER_FAILED', 'HARDWARE_ERROR', 'PROTOCOL_ERROR', 'UNSUPPORTED', 'TRANSFER_ERROR'] as const;
    for (const c of codes) {
      const code = toServiceError(new ReaderError(c)).code;
      for (const lang of ['en', 'ja'] as const) {
        expect(catalogs[lang][`error.${code}.title`]).toBeTruthy();
        expect(catalogs[lang][`error.${code}.help`]).toBeTruthy();
      }
    }
    expect(en['error.device-busy.help']).toContain('sudo systemctl stop pcscd.socket pcscd');
    expect(en['error.access-denied.help']).toContain('SUBSYSTEM=="usb", ATTR{idVendor}=="072f", MODE="0660", GROUP="plugdev"');
    expect(ja['error.access-denied.help']).toContain('udevadm');
  });
});
