/**
 * Character-level T=0 on the USB wire, byte for byte, as libccid frames it
 * (commands.c CmdXfrBlockCHAR_T0, T0ProcACK, T0ProcSW1; CCID rev 1.1 §6.1.4: at
 * character level wLevelParameter is the number of characters the reader reads back).
 * The simulated reader is at character level and its T=0 card answers with procedure
 * bytes (src/reader/sim-usb-reader/t0-char-card.ts).
 */
import { describe, expect, it } from 'vitest';
import { command, encodeCommand } from '../../src/protocol/apdu.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { simConfig, SimUsbReader, type SimReaderConfig } from '../../src/reader/sim-usb-reader/index.ts';
import { charT0Exchange } from '../../src/reader/ccid/exchange-char.ts';
import type { SlotIo } from '../../src/reader/ccid/slot-io.ts';
import { connectCard, openReader } from '../../src/reader/webusb.ts';
import { SpyDevice } from './spy.ts';
import { atrWith, INS, pattern, TestCard } from './test-card.ts';

const le = (n: number, bytes: number) => hex(Uint8Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 0xff));
const hx = (s: string) => s.replace(/\s+/g, '').toUpperCase();

/** PC_to_RDR_XfrBlock: 6F, dwLength, bSlot 0, bSeq, bBWI 0, wLevelParameter = characters to read back, data. */
function xfr(seq: number, data: string, expect: number): string {
  const d = hx(data);
  return '6F' + le(d.length / 2, 4) + '00' + le(seq, 1) + '00' + le(expect, 2) + d;
}

/** RDR_to_PC_DataBlock: 80, dwLength, bSlot 0, bSeq, bStatus 0 (card active), bError 0, bChainParameter 0, the characters. */
function block(seq: number, data: string): string {
  const d = hx(data);
  return '80' + le(d.length / 2, 4) + '00' + le(seq, 1) + '000000' + d;
}

async function setup(config: Partial<SimReaderConfig> = {}) {
  const card = new TestCard(atrWith({ t1: false }));
  const sim = new SimUsbReader(simConfig('character-t0', config));
  sim.insertCard(card);
  const spy = new SpyDevice(sim);
  const reader = await openReader(spy);
  const { transport, session } = await connectCard(reader);
  const mark = { out: spy.bulk('out').length, in: spy.bulk('in').length };
  const since = () => ({ out: spy.bulk('out').slice(mark.out).map((b) => hex(b)), in: spy.bulk('in').slice(mark.in).map((b) => hex(b)) });
  return { transport, session, spy, since };
}

describe('character-level T=0 frames (libccid CmdXfrBlockCHAR_T0)', () => {
  it('connect: PPS asks for its 4-byte echo (pps.c PPS_Exchange), then SetParameters T=0', async () => {
    const { spy, session } = await setup();
    expect(session.protocol).toBe(0);
    const out = spy.bulk('out').map((b) => hex(b));
    expect(out[1]).toBe(xfr(1, 'FF 10 96 79', 4)); // PPSS, PPS0 (PPS1 follows, T=0), PPS1 = TA1, PCK
    expect(spy.bulk('in').map((b) => hex(b))[1]).toBe(block(1, 'FF 10 96 79'));
    expect(out[2]?.slice(0, 2)).toBe('61'); // PC_to_RDR_SetParameters
    expect(out[2]?.slice(14, 16)).toBe('00'); // bProtocolNum 0
  });

  it('case 1: header with P3 = 00, one character read; SW1 then SW2 read one at a time (T0ProcSW1)', async () => {
    const { transport, since } = await setup();
    const r = await transport.transmit(Uint8Array.of(0x00, 0x12, 0x00, 0x00));
    expect(hex(r)).toBe('6D00');
    expect(since()).toEqual({
      out: [xfr(3, '00 12 00 00 00', 1), xfr(4, '', 1)],
      in: [block(3, '6D'), block(4, '00')],
    });
  });

  it('case 2: ACK (INS), then P3 data bytes and SW1 SW2 in one read (T0ProcACK, is_rcv)', async () => {
    const { transport, since } = await setup();
    const r = await transport.transmit(encodeCommand(command(0x00, INS.READ, 0x00, 0x10, undefined, 16)));
    expect(hex(r)).toBe(hex(pattern(16, 0)) + '9000');
    expect(since()).toEqual({
      out: [xfr(3, '00 B0 00 10 10', 1), xfr(4, '', 18)],
      in: [block(3, 'B0'), block(4, hex(pattern(16, 0)) + '9000')],
    });
  });

  it('case 3 and case 4: ACK, all data with one more character read; 61xx then GET RESPONSE as a case 2', async () => {
    const { transport, since } = await setup();
    const data = pattern(5, 3);
    const r = await transport.transmit(encodeCommand(command(0x00, INS.ECHO, 0x00, 0x00, data, 256)));
    expect(hex(r)).toBe(hex(data) + '9000');
    expect(since()).toEqual({
      out: [
        xfr(3, '00 E0 00 00 05', 1), // case 4 sent as case 3: Le dropped (7816-3 §12.2.4)
        xfr(4, hex(data), 1), // the data after the ACK, then the next procedure byte
        xfr(5, '', 1), // SW2
        xfr(6, '00 C0 00 00 05', 1), // GET RESPONSE with 61xx's length
        xfr(7, '', 7),
      ],
      in: [block(3, 'E0'), block(4, '61'), block(5, '05'), block(6, 'C0'), block(7, hex(data) + '9000')],
    });
  });

  it('6Cxx: the card corrects Le before any ACK; the header is sent again with P3 = xx', async () => {
    const { transport, since } = await setup();
    const r = await transport.transmit(encodeCommand(command(0x00, INS.GET_DATA, 0x00, 0x00, undefined, 256)));
    expect(hex(r)).toBe(hex(pattern(8, 0x55)) + '9000');
    expect(since()).toEqual({
      out: [xfr(3, '00 CA 00 00 00', 1), xfr(4, '', 1), xfr(5, '00 CA 00 00 08', 1), xfr(6, '', 10)],
      in: [block(3, '6C'), block(4, '08'), block(5, 'CA'), block(6, hex(pattern(8, 0x55)) + '9000')],
    });
  });

  it('NULL procedure bytes (0x60): one more character asked for each, nothing sent', async () => {
    const { transport, since } = await setup({ t0Character: { nulls: 2 } });
    await transport.transmit(encodeCommand(command(0x00, INS.READ, 0x00, 0x04, undefined, 4)));
    expect(since()).toEqual({
      out: [xfr(3, '00 B0 00 04 04', 1), xfr(4, '', 1), xfr(5, '', 1), xfr(6, '', 6)],
      in: [block(3, '60'), block(4, '60'), block(5, 'B0'), block(6, hex(pattern(4, 0)) + '9000')],
    });
  });

  it('~INS: one data byte per procedure byte, sending and receiving, then INS for the rest', async () => {
    const { transport, since } = await setup({ t0Character: { oneByOne: 2 } });
    await transport.transmit(encodeCommand(command(0x00, INS.READ, 0x00, 0x04, undefined, 4)));
    const read = since();
    expect(read).toEqual({
      out: [xfr(3, '00 B0 00 04 04', 1), xfr(4, '', 1), xfr(5, '', 1), xfr(6, '', 1), xfr(7, '', 1), xfr(8, '', 4)],
      in: [block(3, '4F'), block(4, '00'), block(5, '4F'), block(6, '07'), block(7, 'B0'), block(8, '0E15 9000')],
    });
  });

  it('~INS while sending: each data byte goes alone and one procedure byte comes back', async () => {
    const { transport, since } = await setup({ t0Character: { oneByOne: 2 } });
    const data = Uint8Array.of(0x11, 0x22, 0x33, 0x44);
    await transport.transmit(encodeCommand(command(0x00, INS.ECHO, 0x00, 0x00, data, 256)));
    expect(since().out.slice(0, 5)).toEqual([xfr(3, '00 E0 00 00 04', 1), xfr(4, '11', 1), xfr(5, '22', 1), xfr(6, '33 44', 1), xfr(7, '', 1)]);
    expect(since().in.slice(0, 5)).toEqual([block(3, '1F'), block(4, '1F'), block(5, 'E0'), block(6, '61'), block(7, '04')]);
  });

  it('an INS of 6x or 9x is refused before anything is sent (7816-3 §10.3.2, as libccid)', async () => {
    const { transport, since } = await setup();
    await expect(transport.transmit(Uint8Array.of(0x00, 0x62, 0x00, 0x00))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(since().out).toEqual([]);
  });

  it('a procedure byte that is none of NULL, ACK, ~ACK or SW1 is a protocol error, not a guess', async () => {
    const sent: Array<[string, number]> = [];
    const io: SlotIo = {
      maxMessageLength: 271,
      xfr: async (data, o = {}) => {
        sent.push([hex(data), o.levelParameter ?? 0]);
        return { type: 'DataBlock', slot: 0, seq: 0, bStatus: 0, bError: 0, specific: 0, data: Uint8Array.of(0x42) };
      },
    };
    await expect(charT0Exchange(io, Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x04))).rejects.toMatchObject({ code: 'PROTOCOL_ERROR' });
    expect(sent).toEqual([['00B0000004', 1]]);
  });
});

describe('character-level T=1 frames (libccid openct/proto-t1.c t1_xcv)', () => {
  it('each block: sent asking for the 3-byte prologue, then LEN + EDC characters asked for', async () => {
    const sim = new SimUsbReader(simConfig('character-t1'));
    sim.insertCard(new TestCard(atrWith({ t0: false })));
    const spy = new SpyDevice(sim);
    const { transport } = await connectCard(await openReader(spy));
    await transport.transmit(Uint8Array.of(0x00, INS.ECHO, 0x00, 0x00, 0x02, 0xaa, 0xbb, 0x00));
    const out = spy.bulk('out').map((b) => hex(b));
    const inn = spy.bulk('in').map((b) => hex(b));
    expect(out.slice(1, 2)).toEqual([xfr(1, 'FF 11 96 78', 4)]); // PPS T=1, TA1 96
    expect(out.slice(3)).toEqual([
      xfr(3, '00 C1 01 FE 3E', 3), // S(IFS request 254), LRC: read the prologue
      xfr(4, '', 2), // LEN 1 + LRC
      xfr(5, '00 00 08 00E0000002AABB00 FB', 3), // I(0,0) with the APDU
      xfr(6, '', 5), // LEN 4 + LRC
    ]);
    expect(inn.slice(3)).toEqual([block(3, '00 E1 01'), block(4, 'FE 1E'), block(5, '00 00 04'), block(6, 'AABB9000 85')]);
  });
});
