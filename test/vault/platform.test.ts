import { describe, expect, it } from 'vitest';
import { inProcessLocks, requestPersistence } from '../../src/vault/index.ts';

describe('requestPersistence', () => {
  it('asks only when storage is not persistent yet, and reports the answer', async () => {
    let asked = 0;
    const storage = (persisted: boolean, grant: boolean) => ({
      persisted: () => Promise.resolve(persisted),
      persist: () => {
        asked++;
        return Promise.resolve(grant);
      },
    });
    expect(await requestPersistence(storage(true, false))).toBe(true);
    expect(asked).toBe(0);
    expect(await requestPersistence(storage(false, true))).toBe(true);
    expect(await requestPersistence(storage(false, false))).toBe(false);
    expect(asked).toBe(2);
    expect(await requestPersistence({})).toBe(false);
    expect(await requestPersistence({ persist: () => Promise.reject(new Error('private window')) })).toBe(false);
  });
});

describe('inProcessLocks', () => {
  it('runs holders of one name one after another, in order, even when one fails', async () => {
    const log: string[] = [];
    const hold = (name: string, id: string, fail = false) =>
      inProcessLocks.request(name, async () => {
        log.push(`${id}+`);
        await new Promise((r) => setTimeout(r, 2));
        log.push(`${id}-`);
        if (fail) throw new Error(id);
        return id;
      });
    const results = await Promise.allSettled([hold('a', '1'), hold('a', '2', true), hold('a', '3'), hold('b', 'x')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const a = log.filter((l) => l !== 'x+' && l !== 'x-');
    expect(a).toEqual(['1+', '1-', '2+', '2-', '3+', '3-']);
    // a different name does not wait for 'a'
    expect(log.indexOf('x+')).toBeLessThan(log.indexOf('1-'));
  });
});
