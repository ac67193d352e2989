/**
 * Regression tests for bugs the host flows found in other layers (now fixed).
 *
 * src/reader/wrappers/get-response.ts: after a 61xx the wrapper sends GET RESPONSE
 * with the CLA of the command that was answered (minus the chaining bit). For the
 * card's proprietary commands (CLA 80) that makes "80 C0 00 00 xx", which is not GET
 * RESPONSE (an interindustry command, CLA 0x) but RESTORE (80 C0) on this card. The
 * card rightly ends the pending answer and refuses, so every backup over a short-APDU
 * link fails at the first BACKUP DATA TRANSFER (the card answers 4 KiB segments via
 * 61xx). Only the logical-channel bits of the class byte carry over now.
 */
import { describe, expect, it } from 'vitest';
import { backup, restore } from '../../src/host/index.ts';
import { withGetResponse } from '../../src/reader/wrappers/index.ts';
import type { Transport } from '../../src/protocol/transport.ts';
import { CARD_A, changeRandomPages, direct, makeCard, PIN, restorable, rng, vaultFactory } from './fixture.ts';

describe('reader wrappers', () => {
  it('GET RESPONSE after a proprietary-class (CLA 80) command is sent with CLA 00', async () => {
    const sent: Uint8Array[] = [];
    const link: Transport = {
      limits: { maxCommandData: 255, maxResponseData: 256, extendedLength: false },
      transmit(apdu) {
        sent.push(apdu);
        // First answer: 2 bytes and "61 02 more"; then the rest.
        return Promise.resolve(sent.length === 1 ? Uint8Array.of(1, 2, 0x61, 0x02) : Uint8Array.of(3, 4, 0x90, 0x00));
      },
    };
    const r = await withGetResponse(link).transmit(Uint8Array.of(0x80, 0xb2, 0x00, 0x00, 0x00));
    expect([...r]).toEqual([1, 2, 3, 4, 0x90, 0x00]);
    expect([...(sent[1] ?? [])]).toEqual([0x00, 0xc0, 0x00, 0x00, 0x02]);
  });

  it('a backup over a short-APDU link (61xx) round-trips', async () => {
    const card = makeCard(CARD_A, { extendedLength: false });
    const t = direct(card);
    const vault = await vaultFactory().open();
    await backup(t, vault, { pin: PIN, kind: 'full', date: 1 });
    changeRandomPages(card, rng(3), 4);
    await backup(t, vault, { pin: PIN, kind: 'auto', date: 2 });
    const point = restorable(card);
    changeRandomPages(card, rng(4), 4);
    await restore(t, vault, { pin: PIN, card: CARD_A, seq: 2 });
    expect(restorable(card)).toEqual(point);
    vault.close();
  });
});
