import { unwrap } from 'idb';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/vault/tx.ts';
import { freshFactory } from './setup.ts';

describe('inTransaction', () => {
  it("reports the transaction's own error when a bare request fails and a later request only says AbortError", async () => {
    const v = await freshFactory().open();
    await v.db.put('meta', 'first', 'k');
    const tx = v.db.transaction('meta', 'readwrite');
    const e = await inTransaction(tx, async () => {
      // A bare request with no handler: its failure (the key exists) aborts the transaction.
      unwrap(tx).objectStore('meta').add('second', 'k');
      await tx.store.count(); // rejected with AbortError, as the transaction aborted
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'ConstraintError' });
    expect(await v.db.get('meta', 'k')).toBe('first');
    v.close();
  });

  it('keeps a body error that is not an abort as it is', async () => {
    const v = await freshFactory().open();
    const tx = v.db.transaction('meta', 'readwrite');
    const e = await inTransaction(tx, async () => {
      unwrap(tx).objectStore('meta').put('x', 'k');
      throw new RangeError('refused');
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RangeError);
    expect(await v.db.get('meta', 'k')).toBeUndefined();
    v.close();
  });
});
