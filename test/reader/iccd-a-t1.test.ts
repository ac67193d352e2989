/**
 * ICCD version A with a T=1 card, as libccid runs it (issue 13): the device has no PPS
 * request, so the card keeps its default protocol; each T=1 block goes whole by
 * XFR_BLOCK (CCID_Transmit's ICCD_A branch), the host polls GET_ICC_STATUS until not
 * busy and reads the answer block by DATA_BLOCK asking for a whole block, 3 + 254 + 2
 * bytes (CCID_Receive's ICCD_A branch; proto-t1.c t1_xcv at TPDU level, T1_BUFFER_SIZE).
 */
import { describe, expect, it } from 'vitest';
import { command, encodeCommand } from '../../src/protocol/apdu.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { simClassDescriptor, simConfig, SimUsbReader } from '../../src/reader/sim-usb-reader/index.ts';
import { connectCard, openReader } from '../../src/reader/webusb.ts';
import { logControlTransfers } from './control-log.ts';
import { atrWith, pattern, TestCard } from './test-card.ts';

describe('ICCD version A with a T=1 card (libccid t1_xcv over the ICCD_A control requests)', () => {
  it('runs the card\'s default T=1: whole blocks by XFR_BLOCK, status until not busy, DATA_BLOCK of 259', async () => {
    const sim = new SimUsbReader({ ...simConfig('tpdu-t1'), interfaceProtocol: 1, endpoints: 'none' });
    const atr = atrWith({ t0: false });
    sim.insertCard(new TestCard(atr));
    const log = logControlTransfers(sim);
    const reader = await openReader(sim);
    const { transport, session } = await connectCard(reader);
    expect(session.protocol).toBe(1);
    // Power off, status, power on (the ATR); no PPS, no parameters; then S(IFS request 254), as over any TPDU reader without automatic IFSD.
    expect(log).toEqual(['out 63', 'in a0 1 00', `in 62 33 ${hex(atr)}`, 'out 65 00C101FE3E', 'in a0 1 00', 'in 6f 259 00E101FE1E']);
    log.length = 0;
    expect(hex(await transport.transmit(encodeCommand(command(0, 0xb0, 0, 4, undefined, 4))))).toBe(hex(pattern(4, 0)) + '9000');
    // One I-block out whole, status, the card's I-block in (its LEN says where it ends).
    expect(log).toEqual(['out 65 00000500B0000404B5', 'in a0 1 00', 'in 6f 259 00000600070E1590008A']);
  });

  it('a card offering T=0 and T=1 keeps its default T=0 (no PPS request in ICCD A): TPDUs by status polling', async () => {
    const both = simConfig('tpdu-t1');
    const sim = new SimUsbReader({ ...both, descriptor: { ...simClassDescriptor(both), dwProtocols: 0x03 }, interfaceProtocol: 1, endpoints: 'none' });
    sim.insertCard(new TestCard(atrWith({ t0: true })));
    const log = logControlTransfers(sim);
    const { transport, session } = await connectCard(await openReader(sim));
    expect(session.protocol).toBe(0);
    log.length = 0;
    expect(hex(await transport.transmit(encodeCommand(command(0, 0xb0, 0, 4, undefined, 4))))).toBe(hex(pattern(4, 0)) + '9000');
    expect(log).toEqual(['out 65 00B0000404', 'in a0 1 10', `in 6f 4 ${hex(pattern(4, 0))}`, 'in a0 1 20', 'in 6f 2 9000']);
  });
});
