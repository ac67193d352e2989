import { describe, expect, it } from 'vitest';
import { DEFAULT_ORIGINS, hostAllowed, originAllowed, Pairing, PAIRING_MAX_FAILURES } from './policy.ts';

describe('bridge policy', () => {
  it('accepts exactly the listed origins', () => {
    expect(originAllowed('http://127.0.0.1:5173', DEFAULT_ORIGINS)).toBe(true);
    expect(originAllowed('http://localhost:4173', DEFAULT_ORIGINS)).toBe(true);
    expect(originAllowed('HTTP://LOCALHOST:5173', DEFAULT_ORIGINS)).toBe(true);
    for (const o of [undefined, '', 'null', 'http://127.0.0.1:5174', 'https://127.0.0.1:5173', 'http://127.0.0.1.evil.example:5173', 'http://evil.example'])
      expect(originAllowed(o, DEFAULT_ORIGINS), String(o)).toBe(false);
  });

  it('accepts only loopback Host headers with the bridge port (no DNS rebinding)', () => {
    expect(hostAllowed('127.0.0.1:35964', 35964)).toBe(true);
    expect(hostAllowed('localhost:35964', 35964)).toBe(true);
    for (const h of [undefined, 'evil.example:35964', '127.0.0.1:1', '127.0.0.1', '0.0.0.0:35964']) expect(hostAllowed(h, 35964)).toBe(false);
  });

  it('draws 6-digit codes, checks them, and draws a new one after repeated failures', () => {
    const printed: string[] = [];
    const p = new Pairing(undefined, (c) => printed.push(c));
    expect(p.current).toMatch(/^\d{6}$/);
    expect(printed).toEqual([p.current]);
    expect(p.check(p.current)).toBe(true);
    const first = p.current;
    const wrong = first === '000000' ? '000001' : '000000';
    for (let i = 0; i < PAIRING_MAX_FAILURES - 1; i++) expect(p.check(wrong)).toBe(false);
    expect(p.current).toBe(first);
    expect(p.check('')).toBe(false);
    expect(printed.length).toBe(2);
    expect(p.current).toBe(printed[1]);
    expect(() => new Pairing('12345')).toThrow(RangeError);
    expect(new Pairing('012345').check('012345 ')).toBe(false);
  });
});
