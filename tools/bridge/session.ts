/**
 * One app connection to the bridge: pairing first, then list / connect / transmit /
 * disconnect, one frame at a time in arrival order. A malformed frame gets an error
 * naming what was wrong, the connection is closed and the reader it held is released
 * (reset), so the next client finds it usable.
 */
import {
  BRIDGE_PROTOCOL_VERSION,
  decodeClientFrame,
  encodeServerFrame,
  type BridgeDisposition,
  type BridgeErrorCode,
  type ClientFrame,
  type ServerFrame,
} from '../../src/protocol/bridge-frames.ts';
import type { Hub } from './hub.ts';

export const CLOSE_POLICY = 4001; // pairing missing or wrong
export const CLOSE_MALFORMED = 4002;
export const CLOSE_VERSION = 4003;
export const CLOSE_SHUTDOWN = 1001;

export interface Socket {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export class Session {
  paired = false;
  held: string | undefined;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly hub: Hub,
    private readonly socket: Socket,
    readonly label: string,
    /** The page's Origin (already checked against the allowed list by the server). */
    readonly origin = '',
  ) {}

  send(f: ServerFrame): void {
    if (!this.closed) this.socket.send(encodeServerFrame(f));
  }

  /** A text frame from the app (binary frames are passed as undefined). */
  receive(text: string | undefined): void {
    this.queue = this.queue.then(() => this.handle(text)).catch((e: unknown) => this.hub.log(`${this.label}: ${String(e)}`));
  }

  /** The socket closed, whoever closed it. */
  async ended(): Promise<void> {
    this.closed = true;
    await this.releaseHeld();
  }

  async shutdown(): Promise<void> {
    await this.end(CLOSE_SHUTDOWN, 'bridge stopping');
  }

  private async end(code: number, reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.releaseHeld();
    this.socket.close(code, reason);
  }

  private async refuse(code: BridgeErrorCode, message: string, closeCode: number, id?: number): Promise<void> {
    this.send(id === undefined ? { type: 'error', code, message } : { type: 'error', id, code, message });
    this.hub.log(`${this.label}: refused (${code}): ${message}`);
    await this.end(closeCode, code);
  }

  private async handle(text: string | undefined): Promise<void> {
    if (this.closed) return;
    if (text === undefined) return this.refuse('MALFORMED', 'binary frames are not part of the protocol; send JSON text frames (docs/bridge.md)', CLOSE_MALFORMED);
    const d = decodeClientFrame(text);
    if (!d.ok) return this.refuse('MALFORMED', d.error.message, CLOSE_MALFORMED);
    const f = d.value;
    if (!this.paired) {
      if (f.type !== 'hello') return this.refuse('PAIRING_REQUIRED', 'the first frame must be hello with the pairing code the bridge printed', CLOSE_POLICY);
      if (f.version !== BRIDGE_PROTOCOL_VERSION) return this.refuse('UNSUPPORTED_VERSION', `bridge speaks version ${BRIDGE_PROTOCOL_VERSION}, not ${f.version}`, CLOSE_VERSION);
      const store = this.hub.pairedStore;
      // A remembered origin shows its token; a wrong or revoked token is not a wrong
      // code (it does not count towards drawing a new code): the page falls back to it.
      if (f.pairingToken !== undefined && store?.check(this.origin, f.pairingToken)) {
        this.paired = true;
        this.hub.log(`${this.label}: paired (remembered origin)`);
        this.send({ type: 'welcome', version: BRIDGE_PROTOCOL_VERSION, readers: this.hub.readerList() });
        return;
      }
      if (f.pairingCode === undefined)
        return this.refuse('BAD_PAIRING', 'this page is not paired with this bridge (or its pairing was forgotten): type the 6 digits the bridge printed in its window', CLOSE_POLICY);
      if (!this.hub.pairing.check(f.pairingCode)) return this.refuse('BAD_PAIRING', 'wrong pairing code: type the 6 digits the bridge printed in its window', CLOSE_POLICY);
      this.paired = true;
      const token = store && this.origin ? store.remember(this.origin) : undefined;
      this.hub.log(`${this.label}: paired${token ? ` (remembered in ${store?.path ?? ''}; revoke with: icvault-bridge forget ${this.origin})` : ''}`);
      this.send({ type: 'welcome', version: BRIDGE_PROTOCOL_VERSION, readers: this.hub.readerList(), ...(token ? { pairingToken: token } : {}) });
      return;
    }
    await this.command(f);
  }

  private async command(f: ClientFrame): Promise<void> {
    switch (f.type) {
      case 'hello':
        return this.refuse('MALFORMED', 'hello was already sent', CLOSE_MALFORMED);
      case 'list':
        return this.send({ type: 'readers', id: f.id, readers: this.hub.readerList() });
      case 'connect': {
        const r = this.hub.readers.get(f.reader);
        if (!r) return this.error(f.id, 'NO_SUCH_READER', `no reader named "${f.reader}"`);
        const owner = this.hub.owners.get(f.reader);
        if (owner && owner !== this) return this.error(f.id, 'READER_BUSY', `"${f.reader}" is in use by another page; close it there first`);
        if (!r.cardPresent) return this.error(f.id, 'NO_CARD', `no card in "${f.reader}"`);
        if (this.held && this.held !== f.reader) await this.releaseHeld();
        this.hub.owners.set(f.reader, this);
        this.held = f.reader;
        try {
          const atr = await r.connect(f.shareMode ?? 'exclusive');
          return this.send({ type: 'connected', id: f.id, reader: f.reader, atr });
        } catch (e) {
          this.hub.owners.delete(f.reader);
          this.held = undefined;
          const msg = e instanceof Error ? e.message : String(e);
          return this.error(f.id, /sharing violation/i.test(msg) ? 'READER_BUSY' : 'PCSC_ERROR', `connect "${f.reader}": ${msg}`);
        }
      }
      case 'transmit': {
        const r = this.held === undefined ? undefined : this.hub.readers.get(this.held);
        if (!r || this.held === undefined) return this.error(f.id, 'NOT_CONNECTED', 'connect to a reader before transmit');
        if (!r.cardPresent) return this.error(f.id, 'CARD_REMOVED', `the card left "${this.held}"`);
        try {
          return this.send({ type: 'response', id: f.id, data: await r.transmit(f.apdu) });
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          return this.error(f.id, r.cardPresent ? 'PCSC_ERROR' : 'CARD_REMOVED', msg);
        }
      }
      case 'disconnect':
        await this.releaseHeld(f.disposition ?? 'reset');
        return this.send({ type: 'disconnected', id: f.id });
    }
  }

  private error(id: number, code: BridgeErrorCode, message: string): void {
    this.send({ type: 'error', id, code, message });
  }

  /** A page that goes away without saying how always resets the card (docs/bridge.md, Security). */
  private async releaseHeld(disposition: BridgeDisposition = 'reset'): Promise<void> {
    const name = this.held;
    if (name === undefined) return;
    this.held = undefined;
    if (this.hub.owners.get(name) === this) this.hub.owners.delete(name);
    await this.hub.readers.get(name)?.release(disposition);
  }

  /** The card of the held reader left: the connection is gone. */
  cardGone(name: string): void {
    if (this.held === name) {
      this.held = undefined;
      if (this.hub.owners.get(name) === this) this.hub.owners.delete(name);
    }
  }
}
