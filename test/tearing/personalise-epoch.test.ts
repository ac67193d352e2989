/**
 * A power cut at every byte write of the two identity flows of version 2 (issue 10,
 * docs/trust.md): INITIALISE with the issuer's signed personalisation, and EPOCH UPDATE.
 * Each lands in one journaled write group, so after any cut and power-on the card is
 * either as before (a blank card that still takes the same personalisation; the old
 * epoch with its old certificate) or as after — never a card number without its PIN,
 * nor epoch 2 with the epoch-1 certificate or minimum.
 */
import { describe, expect, it } from 'vitest';
import { cutEach } from './cut-each.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { generateIssuerKeys, IssuerAuthority } from '../../issuer/core/index.ts';
import { loadSimCard, type SimCard } from '../../src/card-sim/index.ts';
import { command, encodeCommand, SHORT_MAX_NC, type CommandApdu } from '../../src/protocol/apdu.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { CLA_CHAIN_BIT, CLA_PROPRIETARY, INS } from '../../src/protocol/commands/codes.ts';
import { epochUpdate, getCardKeys, getEpochCertificate } from '../../src/protocol/commands/index.ts';
import { verifyPin } from '../../src/protocol/commands/pin.ts';
import { createBlankTestCard, createTestCard, testIssuer } from '../support/card.ts';
import { certificateOf, raw, send } from '../card/helpers.ts';

const CARD = '4900000000000701';
const SIZE = { memorySize: 8192, pageSize: 1024 } as const;

const swOf = (c: SimCard, cmd: CommandApdu) => {
  const r = c.transmit(encodeCommand(cmd));
  return ((r[r.length - 2] ?? 0) << 8) | (r[r.length - 1] ?? 0);
};
const sw = (c: SimCard, cla: number, ins: number, data: Uint8Array) => swOf(c, command(cla, ins, 0, 0, data, 0));

/** INITIALISE as the short chain every reader can carry (test/support/card.ts sendInitialise), asserting each answer. */
function initialise(c: SimCard, p: Uint8Array): void {
  for (let at = 0; at < p.length; at += SHORT_MAX_NC) {
    const last = at + SHORT_MAX_NC >= p.length;
    expect(sw(c, CLA_PROPRIETARY | (last ? 0 : CLA_CHAIN_BIT), INS.INITIALISE, p.subarray(at, at + SHORT_MAX_NC))).toBe(0x9000);
  }
}

/** Whether `pin` verifies, tried on a copy so the probe spends nothing on `c`. */
function pinWorks(c: SimCard, pin: string): boolean {
  const copy = loadSimCard(c.save());
  copy.powerOn();
  const r = copy.transmit(encodeCommand(verifyPin.getApdu(pin)));
  return r[r.length - 2] === 0x90 && r[r.length - 1] === 0x00;
}

const tear = (base: Uint8Array, run: (c: SimCard) => void, classify: (c: SimCard) => string | undefined) =>
  cutEach(base, run, classify, (c) => JSON.stringify({ ...c.inspect(), memory: undefined }));

describe('power cut at every byte write of INITIALISE (personalisation)', () => {
  it('afterwards the card is still blank and takes the same personalisation, or fully personalised', () => {
    const issuer = testIssuer();
    const blank = createBlankTestCard({ ...SIZE, seed: 'tear-personalise' });
    blank.powerOn();
    const keys = getCardKeys.parseResponse(raw(send(blank, getCardKeys.getApdu())));
    const p = issuer.personalise({ cardNumber: CARD, cardSigningPublicKey: keys.signingPublicKey, cardKemPublicKey: keys.kemPublicKey, pin: '1234', puk: '12345678' });
    blank.powerOff();
    const base = blank.save();

    const personalised = (c: SimCard) => {
      const v = c.inspect();
      return v.initialised && v.cardNumber === CARD && v.epoch === 1 && hex(certificateOf(c)) === hex(p.cardCertificate) && pinWorks(c, '1234');
    };
    const checked = new Map<string, string | undefined>();
    const r = tear(
      base,
      (c) => initialise(c, p.personalisation),
      (c) => {
        if (personalised(c)) return 'personalised';
        if (c.inspect().initialised) return undefined;
        // Still blank: the same personalisation must now go through, whole (checked once per distinct card image).
        const image = c.save();
        const id = hex(sha256(image));
        const known = checked.get(id);
        if (known !== undefined) return known;
        const copy = loadSimCard(image);
        copy.powerOn();
        initialise(copy, p.personalisation);
        copy.powerOff();
        copy.powerOn();
        const label = personalised(copy) ? 'blank' : undefined;
        checked.set(id, label);
        return label;
      },
    );
    console.log(`tearing: personalisation (INITIALISE): ${r.writes} cuts, outcomes ${JSON.stringify(r.outcomes)}`);
    expect(r.failures).toEqual([]);
    expect(r.outcomes['blank']).toBeGreaterThan(0);
  });
});

describe('power cut at every byte write of EPOCH UPDATE', () => {
  it('afterwards the card holds the old epoch or the new one, never a mix', () => {
    // Its own issuer: newEpoch changes an authority, and the shared test issuer stays at epoch 1.
    const issuer = new IssuerAuthority(generateIssuerKeys({ issuer: 0x54454152, seed: new Uint8Array(32).fill(0x54) }));
    const card = createTestCard({ ...SIZE, cardNumber: CARD, seed: 'tear-epoch', issuer });
    card.powerOn();
    const cert1 = certificateOf(card);
    const epoch1 = issuer.epochCertificate(1);
    expect(issuer.newEpoch({ minEpoch: 2 })).toBe(2);
    const epoch2 = issuer.epochCertificate(2);
    const keys = getCardKeys.parseResponse(raw(send(card, getCardKeys.getApdu())));
    const cert2 = issuer.personalise({ cardNumber: CARD, cardSigningPublicKey: keys.signingPublicKey, cardKemPublicKey: keys.kemPublicKey, pin: '1234', puk: '12345678' }).cardCertificate;
    card.powerOff();
    const base = card.save();

    const state = (c: SimCard) => {
      const v = c.inspect();
      const e = hex(getEpochCertificate.parseResponse(raw(send(c, getEpochCertificate.getApdu()))));
      return { epoch: v.epoch, minEpoch: v.minEpoch, epochCert: e, cardCert: hex(certificateOf(c)) };
    };
    const r = tear(
      base,
      (c) => expect(swOf(c, epochUpdate.getApdu(epoch2, cert2))).toBe(0x9000),
      (c) => {
        const s = state(c);
        if (s.epoch === 1 && s.minEpoch === 1 && s.epochCert === hex(epoch1) && s.cardCert === hex(cert1)) return 'old epoch';
        if (s.epoch === 2 && s.minEpoch === 2 && s.epochCert === hex(epoch2) && s.cardCert === hex(cert2)) return 'new epoch';
        return undefined;
      },
    );
    console.log(`tearing: EPOCH UPDATE: ${r.writes} cuts, outcomes ${JSON.stringify(r.outcomes)}`);
    expect(r.failures).toEqual([]);
    expect(r.outcomes['new epoch']).toBeGreaterThan(0);
  });
});
