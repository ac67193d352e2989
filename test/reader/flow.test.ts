/**
 * A card transaction of many APDUs (short and long commands, long answers, 61xx, 6Cxx)
 * through the CCID driver against the simulated USB reader, at every exchange level.
 * The answers must be the same whatever the level; the bus traffic must follow CCID.
 */
import { describe, expect, it } from 'vitest';
import { command, encodeCommand } from '../../src/protocol/apdu.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { simConfig, SimUsbReader, type SimLevel, type SimReaderConfig } from '../../src/reader/sim-usb-reader/index.ts';
import { connectCard, openReader } from '../../src/reader/webusb.ts';
import { SpyDevice } from './spy.ts';
import { atrWith, INS, pattern, TestCard } from './test-card.ts';

async function setup(config: SimReaderConfig, card = new TestCard()) {
  const sim = new SimUsbReader(config);
  sim.insertCard(card);
  const spy = new SpyDevice(sim);
  const reader = await openReader(spy);
  const { transport, session } = await connectCard(reader);
  return { sim, spy, reader, transport, session, card };
}

/** The transaction: [label, command, expected response] */
function transaction(): Array<[string, Uint8Array, Uint8Array]> {
  const steps: Array<[string, Uint8Array, Uint8Array]> = [];
  const ok = (d: Uint8Array) => Uint8Array.from([...d, 0x90, 0x00]);
  for (const n of [0, 1, 17, 200, 255]) steps.push([`echo ${n}`, encodeCommand(command(0x00, INS.ECHO, 0, 0, pattern(n, n), 256)), ok(pattern(n, n))]);
  for (const n of [1, 255, 256, 257, 1000, 4096]) {
    steps.push([`read ${n}`, encodeCommand(command(0x00, INS.READ, n >>> 8, n & 0xff, undefined, Math.min(n, 65536))), ok(pattern(n, n >>> 8))]);
  }
  for (const n of [256, 300, 3000]) {
    let sum = 0;
    for (const b of pattern(n, 3)) sum = (sum + b) & 0xffff;
    steps.push([`write ${n}`, encodeCommand(command(0x00, INS.WRITE, 0, 0, pattern(n, 3), 4)), ok(Uint8Array.of(n >>> 8, n & 0xff, sum >>> 8, sum & 0xff))]);
  }
  steps.push(['get data with wrong Le', encodeCommand(command(0x00, INS.GET_DATA, 0, 0, undefined, 256)), ok(pattern(8, 0x55))]);
  steps.push(['unknown instruction', Uint8Array.of(0x00, 0x12, 0, 0), Uint8Array.of(0x6d, 0x00)]);
  for (let i = 0; i < 30; i++) steps.push([`echo loop ${i}`, encodeCommand(command(0x00, INS.ECHO, 0, i, pattern(i * 8, i), 256)), ok(pattern(i * 8, i))]);
  return steps;
}

const levels: Array<[string, SimReaderConfig]> = [
  ['TPDU T=1', simConfig('tpdu-t1')],
  ['TPDU T=1, CRC card, reader does IFSD and PPS', simConfig('tpdu-t1', { extraFeatures: 0x4b8 })],
  ['TPDU T=0', simConfig('tpdu-t0')],
  ['character T=0', simConfig('character-t0')],
  ['character T=0, card sends NULL bytes and moves 3 bytes one at a time', simConfig('character-t0', { t0Character: { nulls: 2, oneByOne: 3 } })],
  ['character T=1', simConfig('character-t1')],
  ['short APDU', simConfig('short-apdu')],
  ['extended APDU, 1034-byte messages', simConfig('extended-apdu')],
  ['extended APDU, 271-byte messages (CCID chaining)', simConfig('extended-apdu', { maxMessageLength: 271 })],
  ['extended APDU, no interrupt endpoint', simConfig('extended-apdu', { interrupt: false })],
  ['extended APDU with time extensions', simConfig('extended-apdu', { timeExtensions: 2 })],
];

describe('card transaction through driver + simulated reader', () => {
  for (const [name, config] of levels) {
    it(`${name}: every answer is right`, async () => {
      const crc = name.includes('CRC');
      const t1Reader = config.level === 'tpdu-t1' || config.level === 'character-t1';
      const { transport, session, card } = await setup(config, new TestCard(atrWith({ crc, t0: !t1Reader || crc })));
      expect(session.protocol).toBe(config.level === 'tpdu-t0' || config.level === 'character-t0' ? 0 : 1);
      for (const [label, apdu, expected] of transaction()) {
        const r = await transport.transmit(apdu);
        expect(hex(r), label).toBe(hex(expected));
      }
      expect(card.apdus.length).toBeGreaterThanOrEqual(transaction().length);
    });
  }

  it('TPDU T=0: a 4096-byte read needs GET RESPONSE rounds the card sees', async () => {
    const { transport, card } = await setup(simConfig('tpdu-t0'));
    card.apdus = [];
    await transport.transmit(encodeCommand(command(0, INS.READ, 0x10, 0x00, undefined, 4096)));
    const getResponses = card.apdus.filter((a) => a[1] === INS.GET_RESPONSE).length;
    expect(getResponses).toBe(15); // 16 pieces of 256
  });

  it('short APDU reader: a 3000-byte write goes by ISO command chaining (CLA bit 0x10)', async () => {
    const { transport, card } = await setup(simConfig('short-apdu'));
    card.apdus = [];
    await transport.transmit(encodeCommand(command(0, INS.WRITE, 0, 0, pattern(3000, 3), 4)));
    expect(card.apdus.map((a) => a[0])).toEqual([...Array(11).fill(0x10), 0x00]);
  });
});

describe('limits follow the exchange level and the ATR', () => {
  const cases: Array<[SimLevel, boolean, boolean]> = [
    ['tpdu-t1', true, true],
    ['tpdu-t1', false, false],
    ['tpdu-t0', true, false],
    ['short-apdu', true, false],
    ['extended-apdu', true, true],
  ];
  for (const [level, cardExtended, expected] of cases) {
    it(`${level}, card extended ${cardExtended}: extendedLength ${expected}`, async () => {
      const { reader } = await setup(simConfig(level), new TestCard(atrWith({ extended: cardExtended, t0: level !== 'tpdu-t1' })));
      expect(reader.slots[0]?.limits.extendedLength).toBe(expected);
    });
  }
});

describe('CCID messages on the bus are byte-exact (CCID rev 1.1 §6.1, §6.2)', () => {
  const echo40 = Uint8Array.from([0x00, INS.ECHO, 0, 0, 40, ...new Uint8Array(40).fill(0xaa), 0x00]);
  const aa = (n: number) => 'AA'.repeat(n);

  it('TPDU T=1: power on, PPS, SetParameters, S(IFS), one I-block each way', async () => {
    const { spy, transport } = await setup(simConfig('tpdu-t1'), new TestCard(atrWith({ t0: false })));
    await transport.transmit(echo40);
    const out = spy.bulk('out').map((b) => hex(b));
    const inn = spy.bulk('in').map((b) => hex(b));
    // header: bMessageType, dwLength (LE), bSlot, bSeq, 3 message-specific bytes
    expect(out).toEqual([
      '62' + '00000000' + '00' + '00' + '000000', // IccPowerOn, bPowerSelect 00 = automatic (§6.1.1)
      '6F' + '04000000' + '00' + '01' + '00' + '0000' + 'FF1196' + '78', // XfrBlock: PPS T=1 Fi/Di 96, PCK (7816-3 §9)
      '61' + '07000000' + '00' + '02' + '01' + '0000' + '96' + '10' + '00' + '45' + '00' + 'FE' + '00', // SetParameters T=1 (§6.1.7)
      '6F' + '05000000' + '00' + '03' + '00' + '0000' + '00C101FE' + '3E', // S(IFS request 254), LRC
      '6F' + '32000000' + '00' + '04' + '00' + '0000' + '00002E' + '00E0000028' + aa(40) + '00' + 'E6', // I(0,0) with the APDU
    ]);
    expect(inn).toEqual([
      '80' + '0E000000' + '00' + '00' + '00' + '00' + '00' + '3B95968171FE450080730000C07B', // DataBlock: ATR
      '80' + '04000000' + '00' + '01' + '000000' + 'FF119678', // PPS echoed: accepted
      '82' + '07000000' + '00' + '02' + '00' + '00' + '01' + '96100045' + '00FE00', // Parameters, bProtocolNum 1
      '80' + '05000000' + '00' + '03' + '000000' + '00E101FE1E', // S(IFS response)
      '80' + '2E000000' + '00' + '04' + '000000' + '00002A' + aa(40) + '9000' + 'BA', // I(0,0) with data + 9000
    ]);
  });

  it('extended APDU: command and response chained by wLevelParameter / bChainParameter', async () => {
    const { spy, transport } = await setup(simConfig('extended-apdu', { maxMessageLength: 40 }), new TestCard(atrWith({ t0: false })));
    await transport.transmit(echo40);
    const out = spy.bulk('out').map((b) => hex(b));
    const inn = spy.bulk('in').map((b) => hex(b));
    expect(out.slice(1)).toEqual([
      '6F' + '1E000000' + '00' + '01' + '00' + '0100' + '00E0000028' + aa(25), // wLevelParameter 0001: begins, continues
      '6F' + '10000000' + '00' + '02' + '00' + '0200' + aa(15) + '00', // 0002: continues, ends
      '6F' + '00000000' + '00' + '03' + '00' + '1000', // 0010: empty, next response piece please
    ]);
    expect(inn.slice(1)).toEqual([
      '80' + '00000000' + '00' + '01' + '00' + '00' + '10', // bChainParameter 10: send the rest
      '80' + '1E000000' + '00' + '02' + '00' + '00' + '01' + aa(30), // 01: begins, continues
      '80' + '0C000000' + '00' + '03' + '00' + '00' + '02' + aa(10) + '9000', // 02: continues, ends
    ]);
  });
});
