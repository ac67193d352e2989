/**
 * The card OS's value operations for one application (version 2, docs/trust.md "Value"):
 * what an application reaches through `AppContext.value` and nothing else. The OS, not the
 * application, checks load tokens against the issuer's epoch key and signs receipts with
 * the card's key (both from os.trust()), so no application code ever holds a key.
 *
 * Load (e-money CREDIT, membership ADD POINTS), in this order, each refusal changing nothing:
 *   memory locked (backup/restore session)                      6985
 *   token malformed                                             6A80
 *   token for another issuer, card or application               6A80
 *   token of an epoch other than the card's                     6984
 *   signature not the card's epoch key's                        6982
 *   load counter not the card's + 1 (replayed, old, skipped)    6984
 *   amount 0                                                    6A80
 *   value would exceed the application's maximum                6985
 * then, in one atomic group: value + amount, load counter = the token's, a 'load' log
 * entry, and the load history record (claims 18-23).
 *
 * Spend (e-money DEBIT, membership REDEEM): memory locked 6985, amount 0 6A80, amount
 * over the value or spend counter exhausted 6985; then in one group value - amount, spend
 * counter + 1, a 'spend' entry; the answer is the card-signed receipt (receipt.ts). A power
 * cut after the group and before the answer loses the receipt, never creates value: the
 * ledger simply never sees that spend.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { ResponseApdu } from '../protocol/apdu.ts';
import { hex, u32be } from '../protocol/bytes.ts';
import { decodeLoadToken, verifyLoadToken } from '../protocol/trust/load-token.ts';
import { encodeReceipt, receiptMessage, type ReceiptBody } from '../protocol/trust/receipt.ts';
import { SW } from '../protocol/status-words.ts';
import type { LoadWhat, ValueAccess } from './app-api.ts';
import { sameBytes } from './crypto.ts';
import type { CardOs } from './os.ts';
import { ValueStore } from './value-store.ts';

const U32_MAX = 0xffffffff;
const answer = (sw: number, data: Uint8Array = new Uint8Array(0)): ResponseApdu => ({ data, sw });

export function valueAccess(os: CardOs, aid: Uint8Array): ValueAccess {
  const store = new ValueStore(os.eeprom, os.layout);
  return {
    counters: () => store.counters(aid),
    log: () => store.log(aid),

    load(tokenBytes: Uint8Array, date: number, limit: { max: number; what: LoadWhat }): ResponseApdu {
      if (os.memoryLocked) return answer(SW.CONDITIONS_NOT_SATISFIED);
      const d = decodeLoadToken(tokenBytes);
      if (!d.ok) return answer(SW.WRONG_DATA);
      const t = d.value;
      const trust = os.trust();
      if (t.issuer !== trust.issuer || t.cardNumber !== trust.cardNumber || !sameBytes(t.aid, aid)) return answer(SW.WRONG_DATA);
      if (t.epoch !== trust.epoch) return answer(SW.DATA_INVALID);
      if (!verifyLoadToken(trust.epochSigningPublicKey, t)) return answer(SW.SECURITY_NOT_SATISFIED);
      const now = store.counters(aid);
      if (t.loadCounter !== now.loadCounter + 1) return answer(SW.DATA_INVALID);
      if (t.amount === 0) return answer(SW.WRONG_DATA);
      const value = now.value + t.amount;
      if (value > limit.max) return answer(SW.CONDITIONS_NOT_SATISFIED);
      os.eeprom.atomic(() => {
        store.record(aid, { ...now, value, loadCounter: t.loadCounter }, { date, kind: 'load', amount: t.amount, after: value });
        os.store.recordLoad({ date, what: limit.what, aid: hex(aid), amount: t.amount });
      });
      return answer(SW.OK, u32be(value));
    },

    spend(amount: number, date: number, challenge: Uint8Array): ResponseApdu {
      if (os.memoryLocked) return answer(SW.CONDITIONS_NOT_SATISFIED);
      if (amount === 0) return answer(SW.WRONG_DATA);
      const now = store.counters(aid);
      if (amount > now.value || now.spendCounter === U32_MAX) return answer(SW.CONDITIONS_NOT_SATISFIED);
      const trust = os.trust();
      const next = { ...now, value: now.value - amount, spendCounter: now.spendCounter + 1 };
      store.record(aid, next, { date, kind: 'spend', amount, after: next.value });
      const body: ReceiptBody = { cardNumber: trust.cardNumber, aid: aid.slice(), amount, spendCounter: next.spendCounter, balanceAfter: next.value, challenge: challenge.slice() };
      return answer(SW.OK, encodeReceipt({ ...body, signature: ed25519.sign(receiptMessage(body), trust.cardSigningSecretKey) }));
    },

    noteRestore(): boolean {
      // Not while a backup or restore session locks the card: the command is refused and
      // changes nothing; the flag waits for the next command.
      if (os.memoryLocked) return false;
      // The value is not part of any backup: a restore neither added nor discarded any.
      // The entry says exactly that (amount 0, the value kept), dated by the restore's
      // own record in the load history (the card has no clock).
      const now = store.counters(aid);
      store.record(aid, now, { date: lastRestoreDate(os), kind: 'restore', amount: 0, after: now.value });
      return true;
    },
  };
}

function lastRestoreDate(os: CardOs): number {
  const h = os.store.loadHistory();
  for (let i = h.entries.length - 1; i >= 0; i--) {
    const e = h.entries[i];
    if (e && e.what.startsWith('restore-')) return e.date;
  }
  return 0;
}
