/**
 * The host terminal (src/host/terminal.ts) asks its token source for a load token naming
 * the card's next load counter, loads once, and answers the card-signed receipt of a spend.
 */
import { describe, expect, it } from 'vitest';
import { load, spend, type LoadRequest } from '../../src/host/terminal.ts';
import { verifyReceipt } from '../../src/protocol/trust/receipt.ts';
import { DirectTransport } from '../host/direct-transport.ts';
import { cardSigningKey, newCard, token } from './value-support.ts';

describe('host terminal with load tokens and receipts', () => {
  it('loads by a token for counter + 1 and returns a verifiable spend receipt', async () => {
    const cardNumber = '4900000000000888';
    const card = newCard(cardNumber);
    const t = new DirectTransport(card);
    const asked: LoadRequest[] = [];
    const tokens = (r: LoadRequest) => {
      asked.push(r);
      return Promise.resolve(token({ cardNumber: r.cardNumber, aid: r.aid, amount: r.amount, loadCounter: r.loadCounter }));
    };
    expect(await load(t, 3000, tokens)).toBe(3000);
    expect(await load(t, 500, tokens)).toBe(3500);
    expect(asked.map((r) => [r.cardNumber, r.loadCounter, r.amount])).toEqual([[cardNumber, 1, 3000], [cardNumber, 2, 500]]);
    const r = await spend(t, 700, Uint8Array.of(9, 9));
    expect(r).toMatchObject({ cardNumber, amount: 700, balanceAfter: 2800, spendCounter: 1 });
    expect(verifyReceipt(cardSigningKey(card), r)).toBe(true);
  });

  it('a forged token is refused and the value stays', async () => {
    const card = newCard('4900000000000889');
    const t = new DirectTransport(card);
    const forged = (r: LoadRequest) => Promise.resolve(token({ cardNumber: r.cardNumber, aid: r.aid, amount: r.amount, loadCounter: r.loadCounter }, new Uint8Array(32).fill(7)));
    await expect(load(t, 1000, forged)).rejects.toThrow();
    const ok = (r: LoadRequest) => Promise.resolve(token({ cardNumber: r.cardNumber, aid: r.aid, amount: r.amount, loadCounter: r.loadCounter }));
    expect(await load(t, 10, ok)).toBe(10);
  });
});
