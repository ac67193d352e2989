import { describe, expect, it } from 'vitest';
import type { CardLike } from '../../src/protocol/transport.ts';
import { encodeVpcdFrame } from '../../src/protocol/vpcd.ts';
import { VpcdCardSession } from './session.ts';

const h = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));

function fakeCard(log: string[], answer = h('9000'), atr = h('3b00')): CardLike {
  return {
    powerOn: () => (log.push('on'), atr),
    powerOff: () => void log.push('off'),
    transmit: (apdu) => {
      log.push(`apdu ${Array.from(apdu, (b) => b.toString(16).padStart(2, '0')).join('')}`);
      return answer;
    },
  };
}

describe('VpcdCardSession', () => {
  it('answers get ATR before power-on (presence check) and leaves the card off', () => {
    const log: string[] = [];
    const s = new VpcdCardSession(fakeCard(log));
    expect(s.handle(h('04'))).toEqual(h('00023b00'));
    expect(log).toEqual(['on', 'off']);
    expect(s.isPowered).toBe(false);
  });

  it('powers on, answers APDUs framed, resets and powers off; controls get no answer', () => {
    const log: string[] = [];
    const s = new VpcdCardSession(fakeCard(log, h('6f098407a00000099901009000')));
    expect(s.handle(h('01'))).toBeUndefined();
    expect(s.handle(h('04'))).toEqual(encodeVpcdFrame(h('3b00')));
    expect(s.handle(h('00a4040007a0000009990100'))).toEqual(h('000d6f098407a00000099901009000'));
    expect(s.handle(h('02'))).toBeUndefined();
    expect(s.handle(h('00'))).toBeUndefined();
    expect(log).toEqual(['on', 'apdu 00a4040007a0000009990100', 'off', 'on', 'off']);
  });

  it('powers an unpowered card before an APDU, as a reader would', () => {
    const log: string[] = [];
    const s = new VpcdCardSession(fakeCard(log));
    expect(s.handle(h('80ca010100'))).toEqual(h('00029000'));
    expect(log).toEqual(['on', 'apdu 80ca010100']);
  });

  it('answers 6F00 when the card throws, and ignores unknown controls without answering', () => {
    const errors: string[] = [];
    const card: CardLike = { powerOn: () => h('3b00'), powerOff: () => {}, transmit: () => { throw new Error('boom'); } };
    const s = new VpcdCardSession(card, { onError: (e) => errors.push(e.message) });
    expect(s.handle(h('0001'))).toEqual(h('00026f00'));
    expect(s.handle(h('07'))).toBeUndefined();
    expect(s.handle(new Uint8Array(0))).toBeUndefined();
    expect(errors).toEqual(['boom', 'vpcd message: unknown control 0x07 (at byte 0)', 'vpcd message: empty payload']);
  });
});
