/**
 * The app's real services (src/ui/services/create.ts) in Node over fake-indexeddb with
 * the demo card, against the real issuer service (PGlite): the demo's terminal asks the
 * issuer before a spend and a stop-listed card is refused with its own code, value
 * unchanged; an unreachable issuer stops neither a spend nor a backup; a version-1 card
 * is told it cannot prove itself, and its backups stay on this device.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuerSyncState, TransferProgress } from '../../src/ui/model.ts';
import { createServices } from '../../src/ui/services/create.ts';
import { memoryKeyValue } from '../../src/ui/services/notes.ts';
import { openWorld, type World } from '../issuer/support/world.ts';
import { TestCard } from '../issuer/support/test-authority.ts';

const DEMO_CARD = '4900000000000001';
const opts = () => ({ signal: new AbortController().signal, onProgress: (_p: TransferProgress) => undefined });

describe('services with the issuer service', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld('pglite');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('an unreachable issuer: said so, backups stay here and wait to go up; it stops no spend', async () => {
    const s = createServices(undefined, { notes: memoryKeyValue(), issuerUrl: 'http://127.0.0.1:9' });
    await s.connectDemo();
    await s.readCard();
    await expect(s.issuerLink?.()).rejects.toMatchObject({ code: 'issuer-unreachable' });
    const states: IssuerSyncState[] = [];
    const settled = new Promise<void>((done) =>
      s.onIssuerState?.((st) => {
        states.push(st);
        if (st.kind !== 'uploading') done();
      }),
    );
    const b = await s.backup({ ...opts(), kind: 'auto', pin: '1234' });
    await settled;
    expect(states.at(-1)).toMatchObject({ kind: 'offline' });
    expect((await s.timeline(DEMO_CARD, 0, 10)).find((e) => e.seq === b.seq)?.place).toBe('device');
    // The terminal cannot reach the issuer: it takes the card (an offline terminal checks its signed stop list).
    await s.demo()?.spend(100);
    expect((await s.readCard()).apps.find((a) => a.kind === 'emoney')?.value).toEqual({ amount: 3100, unit: 'yen' });
  });

  it('a stop-listed card is refused by the demo terminal, value unchanged; a lost report is refused by its code', async () => {
    // The service knows a card of the demo's number, registered and then reported lost.
    const lost = new TestCard(w.authority, DEMO_CARD);
    const token = await w.login(lost);
    const { recoveryCode } = (await (await w.call('POST', `/v1/cards/${DEMO_CARD}/register`, { token, json: {} })).json()) as { recoveryCode: string };

    const s = createServices(undefined, { notes: memoryKeyValue(), issuerUrl: w.issuer.url });
    await s.connectDemo();
    const before = (await s.readCard()).apps.find((a) => a.kind === 'emoney')?.value;
    await expect(s.reportLost?.(DEMO_CARD, 'WRONG-CODE')).rejects.toMatchObject({ code: 'recovery-code-wrong' });
    await s.demo()?.spend(100); // not stopped yet: accepted
    const report = await s.reportLost?.('4900 0000 0000 0001', recoveryCode);
    expect(report).toMatchObject({ cardNumber: DEMO_CARD, stopNumber: expect.any(Number) });
    await expect(s.demo()?.spend(100)).rejects.toMatchObject({ code: 'card-stopped', message: expect.stringContaining('stop-listed') });
    const after = (await s.readCard()).apps.find((a) => a.kind === 'emoney')?.value;
    expect(after).toEqual({ amount: (before as { amount: number }).amount - 100, unit: 'yen' });
    // Reported twice: the issuer's refusal comes through as such.
    await expect(s.reportLost?.(DEMO_CARD, recoveryCode)).rejects.toMatchObject({ code: 'issuer-refused' });
  });
});
