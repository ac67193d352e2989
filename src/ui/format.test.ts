import { describe, expect, it } from 'vitest';
import { errorCode } from './errors.ts';
import { formatBytes, formatCardNumber, formatDuration, formatYen } from './format.ts';
import { translator } from './i18n/index.ts';

describe('formatting', () => {
  it('groups a card number in fours', () => {
    expect(formatCardNumber('4980123456789012')).toBe('4980 1234 5678 9012');
  });
  it('sizes in B, KB, MB', () => {
    expect(formatBytes('en', 0)).toBe('0 B');
    expect(formatBytes('en', 1023)).toBe('1,023 B');
    expect(formatBytes('en', 1536)).toBe('1.5 KB');
    expect(formatBytes('en', 150 * 1024)).toBe('150 KB');
    expect(formatBytes('en', 5 * 1024 * 1024)).toBe('5 MB');
  });
  it('yen has no decimals', () => {
    expect(formatYen('en', 12480)).toBe('¥12,480');
    expect(formatYen('ja', 12480)).toMatch(/12,480/);
  });
  it('durations round up and pad seconds', () => {
    expect(formatDuration(translator('en'), 0.2)).toBe('1 s');
    expect(formatDuration(translator('en'), 125)).toBe('2 min 05 s');
    expect(formatDuration(translator('ja'), 125)).toBe('2分05秒');
  });
});

describe('errorCode', () => {
  it('reads known codes, maps AbortError to cancelled, anything else to unknown', () => {
    expect(errorCode({ code: 'protected-class' })).toBe('protected-class');
    expect(errorCode(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe('cancelled');
    expect(errorCode({ code: 'EPERM' })).toBe('unknown');
    expect(errorCode('boom')).toBe('unknown');
    expect(errorCode(null)).toBe('unknown');
  });
});
