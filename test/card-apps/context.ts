/**
 * A small, real implementation of the OS/application contract (src/card-sim/app-api.ts)
 * for testing applications without the card OS: one byte array as the area, `atomic`
 * as copy-on-write (writes go to a shadow that replaces the area only when the
 * function returns), a restore flag and a PIN flag. No value store: the value
 * applications' value is the card OS's (version 2), tested on the card.
 *
 * `cutAtWrite(n)` makes the n-th write from now throw PowerCut, the way a card loses
 * power mid-write: the shadow of an unfinished atomic is discarded, so the area keeps
 * its old bytes.
 */
import type { AppContext, AppSeed, CardApplication, ValueAccess } from '../../src/card-sim/app-api.ts';
import { hex } from '../../src/protocol/bytes.ts';

export class PowerCut extends Error {
  constructor() {
    super('power cut (injected)');
    this.name = 'PowerCut';
  }
}

export class TestContext implements AppContext {
  area: Uint8Array;
  restored = false;
  pin = false;
  writes = 0;
  private shadow: Uint8Array | undefined;
  private cutAt: number | undefined;

  constructor(
    readonly areaSize: number,
    readonly aid = '',
  ) {
    this.area = new Uint8Array(areaSize);
  }

  /** The n-th write from now (1-based) fails with PowerCut. */
  cutAtWrite(n: number): void {
    this.cutAt = this.writes + n;
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return (this.shadow ?? this.area).slice(offset, offset + length);
  }

  write(offset: number, bytes: Uint8Array): void {
    this.check(offset, bytes.length);
    this.writes++;
    if (this.writes === this.cutAt) {
      this.shadow = undefined;
      throw new PowerCut();
    }
    (this.shadow ?? this.area).set(bytes, offset);
  }

  atomic<T>(fn: () => T): T {
    if (this.shadow) return fn(); // nested: part of the outer group
    this.shadow = this.area.slice();
    try {
      const r = fn();
      if (this.shadow) this.area = this.shadow;
      return r;
    } finally {
      this.shadow = undefined;
    }
  }

  wasRestored(): boolean {
    return this.restored;
  }
  clearRestored(): void {
    this.restored = false;
  }
  pinVerified(): boolean {
    return this.pin;
  }
  /** The data applications tested here hold no value; value applications are tested on the card (test/card/value*.test.ts). */
  get value(): ValueAccess {
    throw new Error('TestContext has no value store: test value applications on the card (test/card/value*.test.ts)');
  }

  snapshot(): string {
    return hex(this.area);
  }

  private check(offset: number, length: number): void {
    if (!Number.isInteger(offset) || offset < 0 || length < 0 || offset + length > this.areaSize) {
      throw new RangeError(`access ${offset}+${length} outside the ${this.areaSize}-byte area`);
    }
  }
}

/** A context with the application installed from `seed`. */
export function installed(app: CardApplication, seed: AppSeed = {}): TestContext {
  const ctx = new TestContext(app.areaSize, hex(app.aid));
  app.install(ctx, seed);
  return ctx;
}
