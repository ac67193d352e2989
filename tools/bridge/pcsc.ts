/**
 * The PC/SC side of the bridge: readers, card presence and one exclusive connection per
 * reader, over @pokusew/pcsclite (built against libpcsclite). The bridge core only sees
 * the PcscReaders interface, so the wiring stays in this one file.
 */
import type pcscFactory from '@pokusew/pcsclite';
import type { BridgeDisposition, BridgeShareMode } from '../../src/protocol/bridge-frames.ts';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { checkPcscService, explainModuleLoadFailure } from './setup-errors.ts';

export interface ReaderHandle {
  readonly name: string;
  readonly cardPresent: boolean;
  readonly atr: Uint8Array | undefined;
  /** Connection, SCARD_SHARE_EXCLUSIVE unless asked for shared (T=0 or T=1 as the card offers). */
  connect(shareMode?: BridgeShareMode): Promise<Uint8Array>;
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  /** Ends the connection; by default resets the card, so the next client starts unauthenticated. */
  release(disposition?: BridgeDisposition): Promise<void>;
}

export interface PcscEvents {
  readerAdded(r: ReaderHandle): void;
  readerRemoved(name: string): void;
  cardInserted(name: string, atr: Uint8Array): void;
  cardRemoved(name: string): void;
  error(e: Error): void;
}

export interface PcscReaders {
  close(): void;
}

type PcscLib = typeof pcscFactory;
type CardReader = Parameters<Parameters<ReturnType<PcscLib>['on']>[1]>[0];

function loadBinding(): PcscLib {
  try {
    return createRequire(import.meta.url)('@pokusew/pcsclite') as PcscLib;
  } catch (e) {
    throw explainModuleLoadFailure(e);
  }
}

const MAX_RESPONSE = 65538;
const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

class PcscReader implements ReaderHandle {
  cardPresent = false;
  atr: Uint8Array | undefined;
  private protocol = 0;

  constructor(private readonly r: CardReader) {}

  get name(): string {
    return this.r.name;
  }

  async connect(shareMode: BridgeShareMode = 'exclusive'): Promise<Uint8Array> {
    // pcsclite skips SCardConnect while it thinks it is still connected (a handle whose
    // card was reset or removed); drop such a handle first so the new one is real.
    if (this.r.connected) await this.release();
    return new Promise((resolve, reject) => {
      const share_mode = shareMode === 'shared' ? this.r.SCARD_SHARE_SHARED : this.r.SCARD_SHARE_EXCLUSIVE;
      this.r.connect({ share_mode }, (err, protocol) => {
        if (err) return reject(asError(err));
        this.protocol = typeof protocol === 'number' ? protocol : this.r.SCARD_PROTOCOL_T1;
        resolve(this.atr ?? new Uint8Array(0));
      });
    });
  }

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      // The binding accepts any ArrayBufferView (nan's Buffer::HasInstance).
      this.r.transmit(apdu as Parameters<CardReader['transmit']>[0], MAX_RESPONSE, this.protocol, (err, data) => {
        if (err) return reject(asError(err));
        // pcsclite can hand back an empty buffer when the card leaves mid-exchange; an
        // answer without SW1 SW2 is no answer, so it becomes an error the session maps
        // to CARD_REMOVED (card gone) or PCSC_ERROR, never a frame the app must refuse.
        if (data.length < 2) return reject(new Error(`the reader answered ${data.length} bytes, no status word`));
        resolve(new Uint8Array(data));
      });
    });
  }

  release(disposition: BridgeDisposition = 'reset'): Promise<void> {
    const how = { leave: this.r.SCARD_LEAVE_CARD, reset: this.r.SCARD_RESET_CARD, unpower: this.r.SCARD_UNPOWER_CARD, eject: this.r.SCARD_EJECT_CARD }[disposition];
    return new Promise((resolve) => {
      if (!this.r.connected) return resolve();
      this.r.disconnect(how, () => resolve());
    });
  }
}

export function openPcsc(events: PcscEvents): PcscReaders {
  const binding = loadBinding();
  // Checked before the binding starts: without pcscd its context waits for the service.
  const missing = checkPcscService(process.platform, process.env, existsSync);
  if (missing) throw missing;
  const pcsc = binding();
  const readers = new Set<CardReader>();
  pcsc.on('error', (e: unknown) => events.error(asError(e)));
  pcsc.on('reader', (r) => {
    readers.add(r);
    const handle = new PcscReader(r);
    events.readerAdded(handle);
    r.on('error', (e: unknown) => events.error(new Error(`${r.name}: ${asError(e).message}`)));
    r.on('status', (status) => {
      const present = (status.state & r.SCARD_STATE_PRESENT) !== 0 && (status.state & r.SCARD_STATE_MUTE) === 0;
      if (present === handle.cardPresent) return;
      handle.cardPresent = present;
      if (present) {
        handle.atr = status.atr ? new Uint8Array(status.atr) : new Uint8Array(0);
        events.cardInserted(r.name, handle.atr);
      } else {
        handle.atr = undefined;
        // The card left: the connection (if any) is dead; SCardDisconnect frees the handle.
        void handle.release();
        events.cardRemoved(r.name);
      }
    });
    r.on('end', () => {
      readers.delete(r);
      events.readerRemoved(r.name);
    });
  });
  return {
    close() {
      for (const r of readers) r.close();
      readers.clear();
      pcsc.close();
    },
  };
}
