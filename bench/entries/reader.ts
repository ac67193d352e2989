// Reader figures: a full backup of a 64 KiB card replayed through the real CCID driver
// and the simulated USB reader at each exchange level, counting APDUs, USB transfers
// and bytes on the bus. The transcript is a parameter: by default a model of the
// backup (1 BACKUP, then BACKUP DATA TRANSFERs of 274-byte records); docs/reader.md says
// how to feed it the real card's transcript.
import { decodeCommand } from '../../src/protocol/apdu.ts';
import { concat } from '../../src/protocol/bytes.ts';
import type { CardLike, TransportLimits } from '../../src/protocol/transport.ts';
import { simConfig, SimUsbReader, type SimReaderConfig } from '../../src/reader/sim-usb-reader/index.ts';
import { connectCard, openReader } from '../../src/reader/webusb.ts';
import type { BenchEntry, BenchRow } from '../run.ts';

/** One command as the host sends it and the card's whole answer (data + SW1 SW2). */
export interface Exchange {
  command: Uint8Array;
  response: Uint8Array;
}

/** Builds the transcript for a link of these limits (the host sizes its reads to them). */
export type Transcript = (limits: TransportLimits) => Exchange[];

const RECORD = 274; // page position and 256-byte page, sealed (AEAD tag and header)

/** Model of a full backup: 64 KiB in 256-byte pages, as many records per answer as fit. */
export function modelFullBackup(limits: TransportLimits, memory = 65536, page = 256): Exchange[] {
  const records = memory / page;
  const perAnswer = Math.max(1, Math.floor(limits.maxResponseData / RECORD));
  const ext = limits.extendedLength;
  const le = (n: number) => (ext && n > 256 ? [0x00, n >>> 8 === 256 ? 0 : n >>> 8, n & 0xff] : [n >= 256 ? 0 : n]);
  const out: Exchange[] = [
    // BACKUP (fig. 14): answer = wrapped card-unique key + sealed control information
    { command: Uint8Array.of(0x80, 0x30, 0x00, 0x00, 0x00), response: concat(new Uint8Array(40 + 96).fill(0xb0), Uint8Array.of(0x90, 0x00)) },
  ];
  for (let sent = 0; sent < records; sent += perAnswer) {
    const n = Math.min(perAnswer, records - sent);
    const last = sent + n >= records;
    // BACKUP DATA TRANSFER (fig. 15); the last answer says "done" (here 9000, else 6310)
    out.push({
      command: Uint8Array.of(0x80, 0x32, 0x00, 0x00, ...le(n * RECORD)),
      response: concat(new Uint8Array(n * RECORD).fill(sent & 0xff), last ? Uint8Array.of(0x90, 0x00) : Uint8Array.of(0x63, 0x10)),
    });
  }
  return out;
}

/** A card that answers the transcript in order, giving at most Ne now and the rest after 61xx. */
class ReplayCard implements CardLike {
  apdus = 0;
  private i = 0;
  private held: Uint8Array | undefined;
  private script: Exchange[] = [];
  constructor(private readonly atr: Uint8Array) {}
  /** The transcript depends on the link's limits, known only once the card is connected. */
  load(script: Exchange[]) {
    this.script = script;
    this.i = 0;
    this.apdus = 0;
  }
  powerOn() {
    return this.atr;
  }
  powerOff() {}
  transmit(apdu: Uint8Array): Uint8Array {
    this.apdus++;
    const c = decodeCommand(apdu);
    if (!c.ok) return Uint8Array.of(0x67, 0x00);
    if (c.value.ins === 0xc0 && this.held) return this.give(this.held, c.value.ne);
    const want = this.script[this.i++];
    if (!want) return Uint8Array.of(0x69, 0x85);
    const w = decodeCommand(want.command);
    if (!w.ok || w.value.ins !== c.value.ins) throw new Error(`transcript out of step at ${this.i - 1}`);
    return this.give(want.response.subarray(0, want.response.length - 2), c.value.ne, want.response.subarray(-2));
  }
  private sw: Uint8Array = Uint8Array.of(0x90, 0x00);
  private give(data: Uint8Array, ne: number, sw?: Uint8Array): Uint8Array {
    if (sw) this.sw = sw;
    const n = Math.min(data.length, ne);
    const rest = data.subarray(n);
    this.held = rest.length > 0 ? rest : undefined;
    return concat(data.subarray(0, n), rest.length > 0 ? Uint8Array.of(0x61, rest.length >= 256 ? 0 : rest.length) : this.sw);
  }
}

// TS, T0 (TA1 TD1, K=5), TA1 96, TD1 T=0, TD2 T=1 (TA3 TB3 TC3), IFSC FE, BWI/CWI 45, LRC,
// historical 80 73 00 00 C0 (command chaining, extended Lc/Le), TCK
const ATR_BODY = [0x95, 0x96, 0x80, 0x71, 0xfe, 0x45, 0x00, 0x80, 0x73, 0x00, 0x00, 0xc0];
const ATR = Uint8Array.from([0x3b, ...ATR_BODY, ATR_BODY.reduce((x, b) => x ^ b, 0)]);

const LEVELS: Array<[string, SimReaderConfig]> = [
  ['TPDU T=1 (IFSD 254)', simConfig('tpdu-t1')],
  ['TPDU T=0', simConfig('tpdu-t0')],
  ['short APDU', simConfig('short-apdu')],
  ['extended APDU, 271-byte messages', simConfig('extended-apdu', { maxMessageLength: 271 })],
  ['extended APDU, 1034-byte messages', simConfig('extended-apdu')],
  ['extended APDU, 65546-byte messages', simConfig('extended-apdu', { maxMessageLength: 65546 })],
];

export async function runReaderBench(transcript: Transcript = modelFullBackup) {
  const rows: BenchRow[] = [];
  for (const [level, config] of LEVELS) {
    const sim = new SimUsbReader(config);
    const card = new ReplayCard(ATR);
    sim.insertCard({ powerOn: () => card.powerOn(), powerOff: () => card.powerOff(), transmit: (a) => card.transmit(a) });
    const reader = await openReader(sim);
    const { transport } = await connectCard(reader);
    const script = transcript(transport.limits);
    card.load(script);
    const before = { ...reader.stats };
    const t0 = performance.now();
    let payload = 0;
    for (const x of script) {
      const r = await transport.transmit(x.command);
      if (r.length !== x.response.length) throw new Error(`${level}: answer of ${r.length} bytes, expected ${x.response.length}`);
      payload += r.length - 2;
    }
    const ms = performance.now() - t0;
    const s = reader.stats;
    rows.push({
      level,
      hostApdus: script.length,
      cardApdus: card.apdus,
      usbTransfers: s.transfers - before.transfers,
      busBytes: s.bytesOut + s.bytesIn - before.bytesOut - before.bytesIn,
      payloadBytes: payload,
      ms,
    });
    await reader.close();
  }
  return rows;
}

const entry: BenchEntry = {
  name: 'reader',
  async run() {
    const rows = await runReaderBench();
    return { result: { backup: '64 KiB full backup, 256-byte pages, 274-byte records (model transcript)', levels: rows }, rows };
  },
};
export default entry;
