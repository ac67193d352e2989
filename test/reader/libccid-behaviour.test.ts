/**
 * libccid's behaviours, byte for byte on the bus (docs/reader.md, "libccid and us"):
 * speed choice per reader and ATR, PPS and its fall-back, specific mode, voltage, the
 * IFS request, read sizes, T=1 block and chaining sizes, and interface choice. Each
 * test names the libccid function it follows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command, encodeCommand } from '../../src/protocol/apdu.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { capabilities, type CcidClassDescriptor } from '../../src/protocol/ccid/class-descriptor.ts';
import { decodeT1Block, encodeT1Block, type T1Block } from '../../src/protocol/t1-block.ts';
import { T1Host } from '../../src/protocol/t1-host.ts';
import { effectiveDescriptor, quirkFor } from '../../src/reader/ccid/quirks.ts';
import { CcidReader } from '../../src/reader/ccid/reader.ts';
import { chooseSpeed, dataRate } from '../../src/reader/ccid/speed.ts';
import { readSizeFor, t1MaxInf } from '../../src/reader/ccid/sizes.ts';
import { powerOnSequence } from '../../src/reader/ccid/voltage.ts';
import { ReaderError } from '../../src/reader/errors.ts';
import { simClassDescriptor, simConfig, SimUsbReader, type SimReaderConfig } from '../../src/reader/sim-usb-reader/index.ts';
import { connectCard, openReader } from '../../src/reader/webusb.ts';
import { parseDump } from './ccid-dump.ts';
import { logControlTransfers } from './control-log.ts';
import { SpyDevice } from './spy.ts';
import { atrWith, INS, pattern, TestCard } from './test-card.ts';

const fixture = (file: string, i = 0) => {
  const d = parseDump(readFileSync(join(import.meta.dirname, '../fixtures/ccid-readers', file), 'utf8'))[i];
  if (!d) throw new Error(`no interface ${i} in ${file}`);
  return d;
};
const speedOf = (file: string) => {
  const d = fixture(file);
  return { clockKHz: d.descriptor.dwDefaultClock, maxDataRate: d.descriptor.dwMaxDataRate, dataRates: d.descriptor.bNumDataRatesSupported > 0 ? d.dataRates : undefined };
};

/** A TPDU reader (host does PPS and SetParameters) with descriptor changes. */
function tpdu(change: Partial<CcidClassDescriptor> = {}, more: Partial<SimReaderConfig> = {}): SimReaderConfig {
  const base = simConfig('tpdu-t1', more);
  return { ...base, descriptor: { ...simClassDescriptor(base), dwProtocols: 3, ...change } };
}

async function connect(config: SimReaderConfig, card: TestCard) {
  const sim = new SimUsbReader(config);
  sim.insertCard(card);
  const spy = new SpyDevice(sim);
  const reader = await openReader(spy);
  return { spy, reader, sim };
}

/** PC_to_RDR messages of one type (CCID rev 1.1 §6.1): [bMessageType, ...]. */
const sent = (spy: SpyDevice, type: number) => spy.bulk('out').filter((b) => b[0] === type);
const POWER_ON = 0x62;
const SET_PARAMETERS = 0x61;
const XFR = 0x6f;

/** TS, T0 (TA1 TD1), TA1, TD1 = T=1 with TA2, TA2, TCK: a card in specific mode. */
function specificAtr(ta1: number, ta2: number): Uint8Array {
  const body = [0x90, ta1, 0x11, ta2];
  return Uint8Array.from([0x3b, ...body, body.reduce((x, b) => x ^ b, 0)]);
}

describe('speed (libccid IFDHSetProtocolParameters, find_baud_rate)', () => {
  it('chooses per reader and TA1 as libccid does', () => {
    // Gemalto PC Twin: 4 MHz, table of 16 rates up to 344086 bps.
    expect(hex(Uint8Array.of(...[0x95, 0x96, 0x18, 0x11].map((t) => (chooseSpeed(t, false, speedOf('GemPCTwin.txt')) as { fiDi: number }).fiDi))))
      .toBe(hex(Uint8Array.of(0x95, 0x96, 0x18, 0x11)));
    // INMAX DWR18 HC declares dwMaxDataRate 10752 and a table up to 689655: a card "too fast"
    // for the maximum gets TA1 lowered to the first table rate: 0x96 (250000) -> 0x95 (125000),
    // 0x95 -> 0x94 (62500).
    const inmax = speedOf('INMAX_DWR18_HC.txt');
    expect(chooseSpeed(0x96, false, inmax)).toEqual({ fiDi: 0x95 });
    expect(chooseSpeed(0x95, false, inmax)).toEqual({ fiDi: 0x94 });
    expect(dataRate(0x94, inmax.clockKHz)).toBe(62500);
    // No table, maximum 9600 (O2Micro OZ776 after its quirk): Di 16 and 8 both too fast -> default speed.
    expect(chooseSpeed(0x95, false, { clockKHz: 4000, maxDataRate: 9600, dataRates: undefined })).toEqual({ fiDi: 0x11 });
    // No table, maximum 100000: 125000 too fast, 62500 fits -> 0x94.
    expect(chooseSpeed(0x95, false, { clockKHz: 4000, maxDataRate: 100_000, dataRates: undefined })).toEqual({ fiDi: 0x94 });
    // TA1 above 0x97 and too fast: no lowering (libccid only lowers TA1 <= 0x97).
    expect(chooseSpeed(0x18, false, { clockKHz: 4000, maxDataRate: 100_000, dataRates: undefined })).toEqual({ fiDi: 0x11 });
    // RFU Fi (index 7) or Di (index 0, A-F): never asked for.
    expect(chooseSpeed(0x75, false, { clockKHz: 4000, maxDataRate: 1_000_000, dataRates: undefined })).toEqual({ fiDi: 0x11 });
    expect(chooseSpeed(0x9a, false, { clockKHz: 4000, maxDataRate: 1_000_000, dataRates: undefined })).toEqual({ fiDi: 0x11 });
    // A card slower than the default is left at the default.
    expect(chooseSpeed(0x01, false, { clockKHz: 4000, maxDataRate: 1_000_000, dataRates: undefined })).toEqual({ fiDi: 0x11 });
    // Specific mode and a rate the table lacks: refused (libccid IFD_COMMUNICATION_ERROR).
    expect(chooseSpeed(0x13, true, { clockKHz: 4000, maxDataRate: 1_000_000, dataRates: [10752, 125000] })).toHaveProperty('refuse');
  });

  it('sends PPS FF 11 95 PCK and SetParameters with Fi/Di 95 when the reader can', async () => {
    const { spy, reader } = await connect(tpdu(), new TestCard(atrWith({ t0: false, ta1: 0x95 })));
    const { session } = await connectCard(reader);
    expect(session.fiDi).toBe(0x95);
    const pps = sent(spy, XFR)[0] as Uint8Array;
    expect(hex(pps.subarray(10))).toBe(hex(Uint8Array.of(0xff, 0x11, 0x95, 0xff ^ 0x11 ^ 0x95)));
    const set = sent(spy, SET_PARAMETERS)[0] as Uint8Array;
    expect(set[7]).toBe(1);
    expect(set[10]).toBe(0x95);
  });

  it('asks a lowered Di when the reader is slower (dwMaxDataRate 100000: 0x94), and nothing faster than it declares', async () => {
    const { spy, reader } = await connect(tpdu({ dwMaxDataRate: 100_000 }), new TestCard(atrWith({ t0: false, ta1: 0x95 })));
    await connectCard(reader);
    expect(hex((sent(spy, XFR)[0] as Uint8Array).subarray(10))).toBe(hex(Uint8Array.of(0xff, 0x11, 0x94, 0xff ^ 0x11 ^ 0x94)));
    expect((sent(spy, SET_PARAMETERS)[0] as Uint8Array)[10]).toBe(0x94);
  });

  it('reads the GET_DATA_RATES table and keeps to it', async () => {
    const config = tpdu({ bNumDataRatesSupported: 2, dwMaxDataRate: 1_000_000 }, { dataRates: [10752, 62500] });
    const { spy, reader } = await connect(config, new TestCard(atrWith({ t0: false, ta1: 0x95 })));
    expect(reader.dataRates).toEqual([10752, 62500]);
    await connectCard(reader);
    // 125000 is not in the table and the card is not too fast for dwMaxDataRate: default speed, no PPS (T=1 is its default).
    expect(sent(spy, XFR).some((b) => b[10] === 0xff)).toBe(false);
    expect((sent(spy, SET_PARAMETERS)[0] as Uint8Array)[10]).toBe(0x11);
  });
});

describe('PPS fall-back and specific mode', () => {
  it('a card refusing PPS is reset and used with its default protocol at the default speed', async () => {
    // Card offers T=0 first, then T=1: the driver prefers T=1, which needs a PPS.
    const { spy, reader } = await connect(tpdu({}, { cardRefusesPps: true }), new TestCard(atrWith({ t0: true, ta1: 0x95 })));
    const { session, transport } = await connectCard(reader);
    expect(session).toMatchObject({ protocol: 0, fiDi: 0x11, ppsFallback: true });
    expect(sent(spy, POWER_ON)).toHaveLength(2);
    expect(hex((sent(spy, XFR)[0] as Uint8Array).subarray(10))).toBe(hex(Uint8Array.of(0xff, 0x11, 0x95, 0xff ^ 0x11 ^ 0x95)));
    const set = sent(spy, SET_PARAMETERS);
    expect(set).toHaveLength(1);
    expect(hex((set[0] as Uint8Array).subarray(7, 8))).toBe('00');
    expect((set[0] as Uint8Array)[10]).toBe(0x11);
    const r = await transport.transmit(encodeCommand(command(0, INS.ECHO, 0, 0, pattern(20), 256)));
    expect(hex(r)).toBe(hex(Uint8Array.from([...pattern(20), 0x90, 0x00])));
  });

  it('specific mode: no PPS, TA1 used; implicit parameters (TA2 b5) refused at connect', async () => {
    const ok = await connect(tpdu(), new TestCard(specificAtr(0x95, 0x01)));
    const { session } = await connectCard(ok.reader);
    expect(session).toMatchObject({ protocol: 1, fiDi: 0x95 });
    expect(sent(ok.spy, XFR).some((b) => b[10] === 0xff)).toBe(false);
    const implicit = await connect(tpdu(), new TestCard(specificAtr(0x95, 0x11)));
    const e = await connectCard(implicit.reader).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReaderError);
    expect((e as ReaderError).code).toBe('UNSUPPORTED');
    expect((e as ReaderError).message).toContain('implicit parameters');
  });
});

describe('voltage (libccid CmdPowerOn)', () => {
  it('automatic only when declared; else 5 V first, moved to a declared one, then down cyclically', () => {
    expect(powerOnSequence(0x08, 0x07)).toEqual([0]);
    expect(powerOnSequence(0x04, 0x01)).toEqual([0]);
    expect(powerOnSequence(0, 0x07)).toEqual([1, 3, 2]);
    expect(powerOnSequence(0, 0x06)).toEqual([2, 1, 3]);
    expect(powerOnSequence(0, 0x04)).toEqual([3, 2, 1]);
    expect(powerOnSequence(0, 0x00)).toEqual([1, 3, 2]);
  });

  it('a 1.8 V card in a reader without automatic voltage: IccPowerOn at 5 V, then 1.8 V', async () => {
    const config = tpdu({ dwFeatures: 0x00010000 | 0x10, bVoltageSupport: 0x07 }, { cardVoltages: [3] });
    const { spy, reader } = await connect(config, new TestCard(atrWith({ t0: false, ta1: 0x11 })));
    const { session } = await connectCard(reader);
    expect(session.voltage).toBe(3);
    expect(sent(spy, POWER_ON).map((b) => b[7])).toEqual([1, 3]);
  });
});

describe('T=1 sizes and the IFS request (libccid t1_negotiate_ifsd, openct proto-t1.c)', () => {
  it('a reader of 64-byte messages: IFSD 50 requested, no block INF over 50', async () => {
    const { spy, reader } = await connect(tpdu({ dwMaxCCIDMessageLength: 64 }), new TestCard(atrWith({ t0: false, ta1: 0x11 })));
    const { session, transport } = await connectCard(reader);
    expect(session.t1).toEqual({ ifsd: 50, maxInf: 50 });
    const ifs = sent(spy, XFR).find((b) => b[11] === 0xc1) as Uint8Array;
    expect(hex(ifs.subarray(10))).toBe(hex(encodeT1Block({ kind: 'S', nad: 0, response: false, type: 'IFS', inf: Uint8Array.of(50) }, 'lrc')));
    const r = await transport.transmit(encodeCommand(command(0, INS.ECHO, 0, 0, pattern(200), 256)));
    expect(hex(r)).toBe(hex(Uint8Array.from([...pattern(200), 0x90, 0x00])));
    for (const b of spy.bulk('out')) expect(b.length).toBeLessThanOrEqual(64);
    expect(t1MaxInf(64, 'crc')).toBe(49);
  });

  it("answers the card's S(IFS request) and sends the rest of the chain in blocks of the new size", async () => {
    const seen: T1Block[] = [];
    let asked = false;
    const lrc = (b: T1Block) => encodeT1Block(b, 'lrc');
    const host = new T1Host(
      async (raw) => {
        const d = decodeT1Block(raw, 'lrc');
        if (!d.ok) throw d.error;
        seen.push(d.value);
        const b = d.value;
        if (b.kind === 'I' && !asked) {
          asked = true;
          return lrc({ kind: 'S', nad: 0, response: false, type: 'IFS', inf: Uint8Array.of(16) });
        }
        if (b.kind === 'S') return lrc({ kind: 'R', nad: 0, nr: 1, error: 0 }); // ack of the first I-block
        if (b.kind === 'I' && b.more) return lrc({ kind: 'R', nad: 0, nr: b.ns ^ 1, error: 0 } as T1Block);
        return lrc({ kind: 'I', nad: 0, ns: 0, more: false, inf: Uint8Array.of(0x90, 0x00) });
      },
      { edc: 'lrc', ifsc: 32 },
    );
    const r = await host.transceive(pattern(60));
    expect(hex(r)).toBe('9000');
    expect(seen[1]).toEqual({ kind: 'S', nad: 0, response: true, type: 'IFS', inf: Uint8Array.of(16) });
    const infs = seen.filter((b) => b.kind === 'I').map((b) => (b as Extract<T1Block, { kind: 'I' }>).inf.length);
    // The first block went at the old IFSC (32); the card acknowledged it after the S(IFS)
    // exchange, so the remaining 28 bytes go in blocks of 16.
    expect(infs).toEqual([32, 16, 12]);
  });
});

describe('the other S-blocks', () => {
  it("answers the card's S(ABORT request) with S(ABORT response) and reports the command as not done", async () => {
    const seen: T1Block[] = [];
    const host = new T1Host(
      async (raw, wtx) => {
        const d = decodeT1Block(raw, 'lrc');
        if (!d.ok) throw d.error;
        seen.push(d.value);
        if (d.value.kind === 'S' && d.value.type === 'WTX') return encodeT1Block({ kind: 'S', nad: 0, response: false, type: 'ABORT', inf: new Uint8Array(0) }, 'lrc');
        expect(wtx).toBe(1);
        // First answer: the card asks for more time (S(WTX request), granted), then aborts.
        return encodeT1Block({ kind: 'S', nad: 0, response: false, type: 'WTX', inf: Uint8Array.of(3) }, 'lrc');
      },
      { edc: 'lrc', ifsc: 32 },
    );
    await expect(host.transceive(pattern(10))).rejects.toThrow('S(ABORT)');
    expect(seen.map((b) => (b.kind === 'S' ? `S(${b.type} ${b.response ? 'response' : 'request'})` : b.kind))).toEqual(['I', 'S(WTX response)', 'S(ABORT response)']);
  });
});

describe('read and chaining sizes', () => {
  it('the bulk-IN read covers the largest answer of the level, after quirks, in whole packets', async () => {
    const caps = (d: Partial<CcidClassDescriptor>) => capabilities({ ...simClassDescriptor(simConfig('short-apdu')), ...d });
    expect(readSizeFor(caps({ dwMaxCCIDMessageLength: 64, dwFeatures: 0x20000 }), 64)).toBe(320); // 10 + 258 -> 5 packets
    expect(readSizeFor(caps({ dwMaxCCIDMessageLength: 271, dwFeatures: 0x10000 }), 64)).toBe(320);
    expect(readSizeFor(caps({ dwMaxCCIDMessageLength: 1034, dwFeatures: 0x40000 }), 64)).toBe(65600); // 10 + 65538
    expect(readSizeFor(caps({ dwMaxCCIDMessageLength: 65546, dwFeatures: 0x40000 }), 512)).toBe(66048);
    // SCM 263 -> 270 reaches the read: the transfers the driver asks are that size.
    const sim = new SimUsbReader({ ...simConfig('short-apdu'), maxMessageLength: 263, vendorId: 0x04e6, productId: 0x5111 });
    sim.insertCard(new TestCard(atrWith({ ta1: 0x11 })));
    const spy = new SpyDevice(sim);
    const lengths: number[] = [];
    const inner = spy.transferIn.bind(spy);
    spy.transferIn = (ep: number, len: number) => {
      if (ep === 2) lengths.push(len);
      return inner(ep, len);
    };
    const reader = await openReader(spy);
    expect(reader.descriptor.dwMaxCCIDMessageLength).toBe(270);
    const { transport } = await connectCard(reader);
    const r = await transport.transmit(encodeCommand(command(0, INS.READ, 1, 0, undefined, 256)));
    expect(r).toHaveLength(258);
    expect(new Set(lengths)).toEqual(new Set([320]));
  });

  it('a short-APDU reader of 128-byte messages: commands chained in pieces of 112, answers fetched 116 at a time', async () => {
    const card = new TestCard(atrWith({ ta1: 0x11, extended: false }));
    const { reader, spy } = await connect({ ...simConfig('short-apdu'), maxMessageLength: 128 }, card);
    const { transport } = await connectCard(reader);
    expect(transport.limits.extendedLength).toBe(false);
    card.apdus = [];
    const w = await transport.transmit(encodeCommand(command(0, INS.WRITE, 0, 0, pattern(300, 3), 4)));
    expect(w.subarray(-2)).toEqual(Uint8Array.of(0x90, 0x00));
    expect(card.apdus.map((a) => a[4])).toEqual([112, 112, 76]);
    card.apdus = [];
    const r = await transport.transmit(encodeCommand(command(0, INS.READ, 1, 0x2c, undefined, 256)));
    expect(hex(r)).toBe(hex(Uint8Array.from([...pattern(300, 1), 0x90, 0x00])));
    // READ goes with Le 116 (not 00), then GET RESPONSE 116 and 68: every answer fits one 128-byte message.
    expect(card.apdus.filter((a) => a[1] === INS.GET_RESPONSE).map((a) => a[4])).toEqual([116, 68]);
    for (const b of [...spy.bulk('out'), ...spy.bulk('in')]) expect(b.length).toBeLessThanOrEqual(128);
  });
});

describe('quirks (libccid ccid_open_hack_pre/post, commands.c)', () => {
  const base = simClassDescriptor(simConfig('short-apdu'));
  const levelOf = (d: CcidClassDescriptor) => d.dwFeatures & 0x70000;
  it('apply by VID:PID and, where libccid does, by firmware version', () => {
    expect(levelOf(effectiveDescriptor(base, quirkFor(0x076b, 0x3031), undefined))).toBe(0x40000); // OMNIKEY 3121 chains
    expect(levelOf(effectiveDescriptor({ ...base, dwFeatures: 0x40000 }, quirkFor(0x0d46, 0x3010), undefined))).toBe(0x20000); // KOBIL TriBank
    expect(levelOf(effectiveDescriptor(base, quirkFor(0x046a, 0x00a1), 0x0100))).toBe(0x40000); // Cherry KC1000SC 1.00
    expect(levelOf(effectiveDescriptor(base, quirkFor(0x046a, 0x00a1), 0x0101))).toBe(0x20000); // a fixed firmware
    expect(effectiveDescriptor(base, quirkFor(0x0529, 0x0620), 0x0013).dwFeatures & 0x400).toBe(0x400); // eToken 5100 0.13
    expect(effectiveDescriptor(base, quirkFor(0x0529, 0x0620), 0x0014).dwFeatures & 0x400).toBe(0);
    expect(effectiveDescriptor({ ...base, dwMaxCCIDMessageLength: 263 }, undefined, undefined).dwMaxCCIDMessageLength).toBe(270);
    expect(levelOf(effectiveDescriptor(base, undefined, undefined, 2))).toBe(0x40000); // ICCD B short -> extended
    expect(quirkFor(0x076b, 0x3022)).toBeUndefined();
  });

  it('AU9540: the data-rate table is cut at 200000 bps', async () => {
    const config = tpdu({ bNumDataRatesSupported: 3 }, { vendorId: 0x058f, productId: 0x9540, dataRates: [10752, 125000, 250000] });
    const { reader } = await connect(config, new TestCard(atrWith({ t0: false, ta1: 0x11 })));
    expect(reader.dataRates).toEqual([10752, 125000]);
    expect(reader.descriptor.dwMaxDataRate).toBe(200_000);
  });

  it('a reader that declares a table but stalls GET_DATA_RATES is used without one', async () => {
    const config = tpdu({ bNumDataRatesSupported: 3 });
    const { reader } = await connect(config, new TestCard(atrWith({ t0: false, ta1: 0x11 })));
    expect(reader.dataRates).toBeUndefined();
  });
});

describe('interfaces (libccid ccid_usb.c: every CCID interface of a device)', () => {
  it('lists the CCID interfaces and opens the one chosen', async () => {
    const base = simConfig('short-apdu');
    const other = { number: 0, interfaceClass: 0x0b, interfaceProtocol: 0, endpoints: 'bulk+interrupt' as const, descriptor: simClassDescriptor(simConfig('tpdu-t1')) };
    const sim = new SimUsbReader({ ...base, interfaceNumber: 1, otherInterfaces: [other] });
    sim.insertCard(new TestCard(atrWith({ ta1: 0x11 })));
    const list = await CcidReader.listInterfaces(sim);
    expect(list.map((i) => [i.interfaceNumber, i.level, i.usable])).toEqual([
      [0, 'tpdu', true],
      [1, 'short-apdu', true],
    ]);
    const reader = await openReader(sim, { interfaceNumber: 1 });
    expect(reader.iface.interfaceNumber).toBe(1);
    expect(reader.interfaces).toHaveLength(2);
    const { transport } = await connectCard(reader);
    expect(hex(await transport.transmit(encodeCommand(command(0, INS.ECHO, 0, 0, pattern(5), 256))))).toBe(hex(Uint8Array.from([...pattern(5), 0x90, 0x00])));
  });

  it('ICCD version A: T=0 by status polling over control transfers, as libccid (commands.c ICCD_A branches)', async () => {
    const sim = new SimUsbReader({ ...simConfig('character-t0'), interfaceProtocol: 1, endpoints: 'none' });
    sim.insertCard(new TestCard(atrWith({ t1: false })));
    const log = logControlTransfers(sim);
    const reader = await openReader(sim);
    const { transport, session } = await connectCard(reader);
    expect(session.protocol).toBe(0);
    // ICC_POWER_OFF, GET_ICC_STATUS (0 = ready), ICC_POWER_ON -> ATR; no PPS, no parameters.
    expect(log).toEqual(['out 63', 'in a0 1 00', `in 62 33 ${hex(atrWith({ t1: false }))}`]);
    log.length = 0;
    expect(hex(await transport.transmit(encodeCommand(command(0, INS.READ, 0, 4, undefined, 4))))).toBe(hex(pattern(4, 0)) + '9000');
    // Case 2: header; 0x10 (ACK): DATA_BLOCK for P3 bytes; 0x20: DATA_BLOCK for SW1 SW2.
    expect(log).toEqual(['out 65 00B0000404', 'in a0 1 10', `in 6f 4 ${hex(pattern(4, 0))}`, 'in a0 1 20', 'in 6f 2 9000']);
    log.length = 0;
    expect(hex(await transport.transmit(encodeCommand(command(0, INS.ECHO, 0, 0, pattern(3), 256))))).toBe(hex(pattern(3)) + '9000');
    // Case 4 as case 3: header, 0x10, the data by XFR_BLOCK, 0x20, 61 03; GET RESPONSE as a case 2.
    expect(log).toEqual([
      'out 65 00E0000003', 'in a0 1 10', `out 65 ${hex(pattern(3))}`, 'in a0 1 20', 'in 6f 2 6103',
      'out 65 00C0000003', 'in a0 1 10', `in 6f 3 ${hex(pattern(3))}`, 'in a0 1 20', 'in 6f 2 9000',
    ]);
  });

  it('an interface whose bInterfaceProtocol is neither CCID nor ICCD is refused when opening, naming why', async () => {
    const sim = new SimUsbReader({ ...simConfig('short-apdu'), interfaceProtocol: 3, endpoints: 'none' });
    const e = await openReader(sim).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReaderError);
    expect((e as ReaderError).code).toBe('UNSUPPORTED');
    expect((e as ReaderError).message).toContain('bInterfaceProtocol 3');
  });

  it('ICCD version B runs over control transfers, at extended-APDU level (libccid ccid_open_hack_pre, commands.c ICCD_B)', async () => {
    const sim = new SimUsbReader({ ...simConfig('short-apdu'), maxMessageLength: 261, interfaceProtocol: 2, endpoints: 'interrupt-only', firmwareLevel: 'extended-apdu' });
    sim.insertCard(new TestCard(atrWith({ ta1: 0x11 })));
    const requests: string[] = [];
    const out = sim.controlTransferOut.bind(sim);
    sim.controlTransferOut = (setup, data) => {
      requests.push(`${setup.request.toString(16)} ${setup.value.toString(16)} ${data?.length ?? 0}`);
      return out(setup, data);
    };
    const reader = await openReader(sim);
    expect(reader.caps.level).toBe('extended-apdu');
    const { transport } = await connectCard(reader);
    const r = await transport.transmit(encodeCommand(command(0, INS.WRITE, 0, 0, pattern(300, 3), 4)));
    expect(r.subarray(-2)).toEqual(Uint8Array.of(0x90, 0x00));
    // ICC_POWER_ON (wValue 1), then the 309-byte extended APDU (4 + 3 + 300 + 2) as XFR_BLOCK 251 + 58,
    // wLevelParameter 1 then 2 in wValue's high byte.
    expect(requests).toEqual(['62 1 0', '65 100 251', '65 200 58']);
  });
});
