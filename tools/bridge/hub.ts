/** What the sessions of one bridge share: the readers, who holds which, pairing, events. */
import type { ReaderInfo, ServerFrame } from '../../src/protocol/bridge-frames.ts';
import type { PcscEvents, ReaderHandle } from './pcsc.ts';
import type { PairedStore } from './paired-store.ts';
import type { Pairing } from './policy.ts';
import type { Session } from './session.ts';

export class Hub implements PcscEvents {
  readonly readers = new Map<string, ReaderHandle>();
  readonly owners = new Map<string, Session>();
  readonly sessions = new Set<Session>();
  /** Where paired origins are remembered; undefined: the code is needed at every start. */
  pairedStore: PairedStore | undefined;

  constructor(
    readonly pairing: Pairing,
    readonly log: (line: string) => void,
  ) {}

  readerList(): ReaderInfo[] {
    return [...this.readers.values()].map((r) => ({ name: r.name, cardPresent: r.cardPresent, busy: this.owners.has(r.name) }));
  }

  private broadcast(f: ServerFrame): void {
    for (const s of this.sessions) if (s.paired) s.send(f);
  }

  readerAdded(r: ReaderHandle): void {
    this.readers.set(r.name, r);
    this.log(`reader: ${r.name}`);
    this.broadcast({ type: 'reader-added', reader: r.name });
  }

  readerRemoved(name: string): void {
    this.readers.delete(name);
    for (const s of this.sessions) s.cardGone(name);
    this.log(`reader gone: ${name}`);
    this.broadcast({ type: 'reader-removed', reader: name });
  }

  cardInserted(name: string, atr: Uint8Array): void {
    this.log(`card in ${name}`);
    this.broadcast({ type: 'card-inserted', reader: name, atr });
  }

  cardRemoved(name: string): void {
    for (const s of this.sessions) s.cardGone(name);
    this.log(`card removed from ${name}`);
    this.broadcast({ type: 'card-removed', reader: name });
  }

  error(e: Error): void {
    this.log(`PC/SC: ${e.message}`);
  }
}
