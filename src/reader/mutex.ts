/**
 * One exchange at a time per reader: CCID allows bMaxCCIDBusySlots concurrent slot
 * commands, but nearly every reader says 1 and bSeq matching is simpler with one.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
