/**
 * One backup of a card at a time, across tabs. Web Locks serialise tabs of one origin;
 * where they are missing (Node, old browsers) an in-process queue per name does the
 * same for everything in this JavaScript realm. Locks are not re-entrant: do not call
 * withCardLock for a card inside withCardLock for the same card.
 */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

const tails = new Map<string, Promise<unknown>>();

/** The fallback: a FIFO per lock name, shared by every vault in this realm. */
export const inProcessLocks: LockManagerLike = {
  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const prev = tails.get(name) ?? Promise.resolve();
    const run = prev.then(callback, callback);
    const tail = run.catch(() => undefined);
    tails.set(name, tail);
    void tail.then(() => {
      if (tails.get(name) === tail) tails.delete(name);
    });
    return run;
  },
};

/** navigator.locks when the browser has it, else the in-process queue. */
export function defaultLocks(): LockManagerLike {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  const locks = nav?.locks;
  if (locks) return { request: (name, cb) => locks.request(name, cb) };
  return inProcessLocks;
}

export const cardLockName = (card: string) => `icvault-vault:${card}`;
