// The simulated card behind real pcscd + vpcd, driven by real PC/SC clients (pcsc-tools'
// scriptor and OpenSC's opensc-tool). Expected answers are docs/protocol.md's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCard } from '../../test/support/card.ts';
import { decodeHeader, HEADER_BYTES } from '../../src/protocol/backup-format.ts';
import { decodeWrappedKeyV2, WRAPPED_KEY_V2_BYTES } from '../../src/protocol/trust/wrapped-key.ts';
import { openscAtr, openscSend, scriptor } from './clients.ts';
import { startPcscStack, type PcscStack } from './daemons.ts';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(' ');
const bytes = (h: string) => Uint8Array.from(h.split(' ').filter(Boolean).map((t) => parseInt(t, 16)));

const card = createTestCard({ seed: 'pcsc clients test', cardNumber: '4900000000000001', pin: '1234' });
const atr = card.powerOn();
card.powerOff();

let stack: PcscStack;
beforeAll(async () => {
  stack = await startPcscStack(card);
});
afterAll(async () => {
  await stack?.stop();
});

describe('simulated card in real pcscd (vsmartcard-vpcd)', () => {
  it('opensc-tool reads the card ATR from the Virtual PCD reader', async () => {
    const printed = await openscAtr(stack.reader);
    expect(printed.toUpperCase()).toBe(Array.from(atr, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':'));
  });

  it('scriptor: SELECT card manager, GET DATA, VERIFY, BACKUP and its first transfer', async () => {
    const { exchanges, output } = await scriptor(stack.reader, [
      '00 A4 04 00 07 A0 00 00 09 99 01 00', // SELECT card manager
      '80 CA 01 01 00', // GET DATA identity
      '80 CA 01 06 00', // GET DATA PIN status
      '00 20 00 81 04 39 39 39 39', // VERIFY "9999": wrong
      '00 20 00 81 04 31 32 33 34', // VERIFY "1234"
      '80 CA 01 06 00', // PIN status after
      '80 B0 01 00 00 00 08 00 00 01 90 00 00 00 00 01 21', // BACKUP full, date, extended Le 289 (version 2)
      '80 B2 00 00 00 00 00', // BACKUP DATA TRANSFER, extended Le 65536
      '80 B6 00 00', // BACKUP ABORT
      '80 B6 00 00', // again: nothing in progress
    ]);
    expect(exchanges, output).toHaveLength(10);
    const [select, identity, pin0, wrong, right, pin1, backup, transfer, abort, abort2] = exchanges;
    expect(select).toMatchObject({ sw: 0x9000, data: '6F 09 84 07 A0 00 00 09 99 01 00' });
    // initialised, card number 4900000000000001 (BCD), issuer 'ICV1', epoch 1
    expect(identity).toMatchObject({ sw: 0x9000, data: '01 49 00 00 00 00 00 00 01 49 43 56 31 00 01' });
    expect(pin0).toMatchObject({ sw: 0x9000, data: '03 03 00' });
    expect(wrong).toMatchObject({ sw: 0x63c2, data: '' });
    expect(right).toMatchObject({ sw: 0x9000, data: '' });
    expect(pin1).toMatchObject({ sw: 0x9000, data: '03 03 01' });

    expect(backup?.sw).toBe(0x9000);
    const answer = bytes(backup?.data ?? '');
    // Version 2: wrapped key v2 (99) ‖ header (126) ‖ the card's signature over the header (64).
    expect(answer.length).toBe(WRAPPED_KEY_V2_BYTES + HEADER_BYTES + 64);
    const key = decodeWrappedKeyV2(answer.subarray(0, WRAPPED_KEY_V2_BYTES));
    const header = decodeHeader(answer.subarray(WRAPPED_KEY_V2_BYTES, WRAPPED_KEY_V2_BYTES + HEADER_BYTES));
    expect(key.ok && header.ok).toBe(true);
    if (header.ok) expect(header.value).toMatchObject({ kind: 'full', seq: 1, issuer: 0x49435631, epoch: 1, recordCount: 256 });

    // 64 KiB in 256-byte pages: one extended answer holds 239 records, so more follow.
    expect(transfer?.sw).toBe(0x6310);
    expect(bytes(transfer?.data ?? '').length).toBeGreaterThan(60_000);
    expect(abort).toMatchObject({ sw: 0x9000 });
    expect(abort2).toMatchObject({ sw: 0x6985 });
  });

  it('opensc-tool -s: status words of refused commands reach the client unchanged', async () => {
    const ex = await openscSend(stack.reader, [
      '00 A4 04 00 07 A0 00 00 09 99 01 00',
      '00 A4 04 00 07 A0 00 00 09 99 09 99', // no such application
      '80 CA 01 77 00', // unknown object
      '80 B0 03 00 08 00 00 01 90 00 00 00 00 00', // BACKUP with P1 neither full nor diff
      '80 B4 00 00 01 00', // BACKUP COMPLETE with 1 byte instead of a 32-byte hash
      'A0 CA 01 01 00', // CLA not supported
    ]);
    expect(ex.map((e) => e.sw)).toEqual([0x9000, 0x6a82, 0x6a88, 0x6a86, 0x6700, 0x6e00]);
    expect(ex[0]?.data).toBe(hex(bytes('6F 09 84 07 A0 00 00 09 99 01 00')));
  });
});
