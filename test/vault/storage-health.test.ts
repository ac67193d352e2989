import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { StorageHealth } from '../../src/ui/components/StorageHealth.tsx';
import { translator } from '../../src/ui/i18n/index.ts';
import { fullBackupBytes, storageLevel } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { freshFactory, store } from './setup.ts';

describe('storage health', () => {
  it('judges nearly full against what the next full backups need', () => {
    const full = fullBackupBytes(1 << 20, 256); // a 1 MiB card
    expect(full).toBe(4096 * (256 + 16 + 5) + 1024);
    expect(storageLevel(0, 10 * full, full)).toBe('ok');
    expect(storageLevel(8.5 * full, 10 * full, full)).toBe('nearly-full');
    expect(storageLevel(9.5 * full, 10 * full, full)).toBe('full');
    expect(storageLevel(null, 10 * full, full)).toBe('unknown');
  });

  it('the vault reports the browser estimate, persistence and the largest card', async () => {
    const v = await freshFactory().open();
    await store(v, new CardModel({ memorySize: 4096, pageSize: 64 }).next('full'));
    const h = await v.storageHealth({ estimate: () => Promise.resolve({ usage: 9_000, quota: 20_000 }), persisted: () => Promise.resolve(false) });
    expect(h).toEqual({ usedBytes: 9_000, quotaBytes: 20_000, persisted: false, fullBackupBytes: 64 * 85 + 1024, level: 'nearly-full' });
    const none = await v.storageHealth({ estimate: () => Promise.reject(new Error('private window')) });
    expect(none).toMatchObject({ usedBytes: null, persisted: null, level: 'unknown' });
    v.close();
  });

  it('renders used against quota, persistence and what to do, in both languages', () => {
    const health = { usedBytes: 9.5 * 1024 * 1024, quotaBytes: 10 * 1024 * 1024, persisted: false, fullBackupBytes: 1024 * 1024, level: 'full' as const };
    const en = renderToStaticMarkup(createElement(StorageHealth, { health, t: translator('en'), lang: 'en', onCleanUp: () => undefined, onPersist: () => undefined }));
    expect(en).toContain('9.5 MB of 10 MB used (95%).');
    expect(en).toContain('Full: the next full backup (1 MB) does not fit.');
    expect(en).toContain('Cleaning up works even when the storage is full.');
    expect(en).toContain('Clean up old backups…');
    expect(en).toContain('Keep this storage');
    expect(en).toContain('role="alert"');
    const ja = renderToStaticMarkup(createElement(StorageHealth, { health: { ...health, level: 'ok', persisted: true }, t: translator('ja'), lang: 'ja' }));
    expect(ja).toContain('容量が不足しても、ブラウザーはこの保存領域を消しません。');
    expect(ja).not.toContain('role="alert"');
    expect(ja).not.toContain('<button');
  });
});
