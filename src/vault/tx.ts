/**
 * Run a body inside an IndexedDB transaction so that either every request commits or
 * none does: any throw aborts the transaction, and request promises fired without an
 * await are tracked so none rejects unobserved.
 */
interface Abortable {
  readonly done: Promise<void>;
  abort(): void;
  /** Why the engine aborted the transaction (a failed request, quota), if it did. */
  readonly error?: DOMException | null;
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
    // A request that failed because its transaction aborted says only AbortError; the
    // transaction's own error (a bare request's failure, quota, disk) says why.
    const why = nameOf(e) === 'AbortError' ? tx.error : undefined;
    try {
      tx.abort();
    } catch {
      // already committed or aborted: the error below is what matters
    }
    throw why ?? e;
  }
}

const nameOf = (e: unknown): unknown => (typeof e === 'object' && e !== null && 'name' in e ? e.name : undefined);

/**
 * Wait for `p` inside a transaction without letting it commit: awaiting anything but one
 * of its requests would. `read` makes one small request of the transaction at a time (it
 * runs after every write issued before it) until `p` has settled.
 */
export async function holdOpen<T>(read: () => Promise<unknown>, p: Promise<T>): Promise<T> {
  let settled = false;
  void p.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) await read();
  return p;
}
