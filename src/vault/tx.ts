/**
 * Run a body inside an IndexedDB transaction so that either every request commits or
 * none does: any throw aborts the transaction, and request promises fired without an
 * await are tracked so none rejects unobserved.
 */
interface Abortable {
  readonly done: Promise<void>;
  abort(): void;
}

export type Track = <P>(p: Promise<P>) => Promise<P>;

export async function inTransaction<T>(tx: Abortable, body: (track: Track) => Promise<T>): Promise<T> {
  const pending: Promise<unknown>[] = [];
  const track: Track = (p) => {
    p.catch(() => undefined);
    pending.push(p);
    return p;
  };
  tx.done.catch(() => undefined);
  try {
    const value = await body(track);
    await Promise.all(pending);
    await tx.done;
    return value;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // already committed or aborted: the error below is what matters
    }
    // A request that failed because its transaction aborted says only AbortError; the
    // transaction's own error (quota, disk) says why, e.g. under a bare request's failure.
    if (nameOf(e) === 'AbortError') {
      const why = await tx.done.then(
        () => undefined,
        (x: unknown) => x,
      );
      if (why !== undefined && nameOf(why) !== 'AbortError') throw why;
    }
    throw e;
  }
}

const nameOf = (e: unknown): unknown => (typeof e === 'object' && e !== null && 'name' in e ? e.name : undefined);
