/**
 * Plays model steps (test/model/spin.ts `Step`) as APDUs on a small simulated card and
 * reads back the card's state in the model's terms. Abstract page 0 is the e-money
 * page (value register at offset 4 of its area), abstract page 1 the page of a test
 * application (poke: its first byte is the token, 0x11 as installed, 0xA0 + t after
 * POKE t). A cut inside a command (model `cut`) is a power loss just after the
 * command's first journaled write group committed: before the write that clears the
 * journal flag (src/card-sim/eeprom.ts), so recovery redoes that group and nothing later.
 *
 * For model/card-v2.pml (`valueInModel: false`) a LOAD k is e-money CREDIT with the
 * issuer's load token number k for this card (one card: the issuer's ledger numbers its
 * tokens 1, 2, ...), LOAD 0 a token signed by a key that is not the issuer's, SPEND a
 * DEBIT of 1; the value, load and spend counters are read by READ COUNTERS (`value()`).
 *
 * Several cards (test/model/card-pair.ts) share one `Held`: what the attacker holds
 * (every backup answered, every authorisation and certificate the issuer made); a
 * cross-card RESTORE (P1 01) and EPOCH UPDATE take theirs from it.
 */
import { PowerLoss, type SimCard, type WriteFault } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import type { IssuerAuthority } from '../../issuer/core/index.ts';
import { emoneyApp } from '../../src/card-sim/apps/index.ts';
import { makeLayout } from '../../src/card-sim/layout.ts';
import { headerHash, type BackupKind, type Segment } from '../../src/protocol/backup-format.ts';
import { fromHex, hex, readU32be } from '../../src/protocol/bytes.ts';
import {
  backup,
  backupAbort,
  backupComplete,
  backupTransfer,
  epochUpdate,
  getAuthorisationCounter,
  restore,
  restoreAbort,
  restoreComplete,
  restoreTransfer,
  select,
  verifyPin,
} from '../../src/protocol/commands/index.ts';
import { emoneyCredit, emoneyDebit, emoneyReadCounters } from '../../src/protocol/commands/apps/emoney.ts';
import { cardSigningKey, token } from '../card/value-support.ts';
import { decodeReceipt, verifyReceipt, type Receipt } from '../../src/protocol/trust/receipt.ts';
import { APP_AID } from '../../src/protocol/commands/apps/ids.ts';
import type { CommandApdu } from '../../src/protocol/apdu.ts';
import { pokeCommand, raw, send } from '../card/helpers.ts';
import { pokeApp } from '../card/poke-app.ts';
import { CMD, type ModelState, type Step } from './spin.ts';

const MEMORY = 8192;
const PAGE = 256;
const POKE_AID = 'A0000009990299';
const DATE = 1_700_000_000_000;
/** Signs the forged tokens: any key but the issuer's (the card must answer 6982). */
const FORGER_KEY = new Uint8Array(32).fill(0x5a);

/**
 * The one place the conformance card is made: an 8 KiB card with 256-byte pages, the
 * e-money application and a test application of one page each, its writes watched by
 * `fault`. (Card creation changes when cards are personalised by the issuer: here only.)
 */
export function conformanceCard(fault: WriteFault, o: CardOf = {}): SimCard {
  return createTestCard({
    memorySize: MEMORY,
    pageSize: PAGE,
    seed: o.cardNumber === undefined ? 'model-conformance' : `model-conformance ${o.cardNumber}`,
    apps: [emoneyApp, pokeApp(POKE_AID, PAGE)],
    appSeed: { 'emoney.balance': 0 },
    fault,
    ...(o.cardNumber === undefined ? {} : { cardNumber: o.cardNumber }),
    ...(o.issuer === undefined ? {} : { issuer: o.issuer }),
  });
}

/** Which card of which issuer (default: the shared test issuer's card 4900000000000001). */
export interface CardOf {
  cardNumber?: string;
  issuer?: IssuerAuthority;
}

/** The value state as the card answers READ COUNTERS (sw 6985 while a restore is pending). */
export interface CardValue {
  sw: number;
  value: number;
  loadCounter: number;
  spendCounter: number;
}

/** Cuts the power before the n-th write to the journal flag byte from now. */
class JournalCut implements WriteFault {
  private left: number | undefined;
  constructor(private readonly flag: number) {}
  arm(n: number): void {
    this.left = n;
  }
  disarm(): void {
    this.left = undefined;
  }
  beforeWrite(byteIndex: number, address: number): void {
    if (this.left === undefined || address !== this.flag) return;
    this.left--;
    if (this.left === 0) {
      this.left = undefined;
      throw new PowerLoss(byteIndex);
    }
  }
}

export interface HeldBackup {
  /** The card that made it. */
  cardNumber: string;
  /** The epoch its key and records are sealed to. */
  epoch: number;
  kind: BackupKind;
  wrappedKeyBytes: Uint8Array;
  headerBytes: Uint8Array;
  headerSignature: Uint8Array;
  /** The card's page-version table when the backup started. */
  versionsAtStart: number[];
  records: Map<number, Segment['records'][number]>;
}

/** What the attacker holds, shared by the cards of one conformance run. */
export class Held {
  /** Every backup a card answered, by its number in the model (its seq: one card makes backups). */
  readonly backups = new Map<number, HeldBackup>();
  /** Restore authorisations by their number in the model. */
  readonly authorisations = new Map<number, Uint8Array>();
  /** Root-signed epoch certificates by epoch. */
  readonly epochCertificates = new Map<number, Uint8Array>();
  /** Card number → epoch → the card's certificate signed by that epoch. */
  readonly cardCertificates = new Map<string, Map<number, Uint8Array>>();
}

export class ModelCard {
  readonly card: SimCard;
  private readonly cut: JournalCut;
  private readonly page: [number, number];
  private readonly emoneyOffset: number;
  private readonly pokeOffset: number;
  private readonly emoneySlot: number;
  private readonly held: Map<number, HeldBackup>;
  readonly attacker: Held;
  /** Playing model/card-v2.pml: loads by token number, forged tokens, value by READ COUNTERS. */
  private readonly v2: boolean;
  /** The receipt of the last answered spend (card-v2.pml), its signature checked. */
  receipt: Receipt | undefined;
  /** The balance the last answered load (card-v2.pml) answered. */
  loaded: number | undefined;
  private readonly cardKey: Uint8Array;
  private current: number | undefined;
  private date = DATE;
  /** A cut left the card off: it powers on (journal recovery) before the next step. */
  private off = false;

  /** Pages the model's steps send themselves; the driver sends the others at RESTORE. */
  private readonly modelPages: number[];

  /**
   * `valueInModel: false` for model/card-v2.pml's V1CORE walks: the model has no value
   * page (version 2 keeps value outside backed-up memory), so the e-money page is one of
   * the pages the driver sends from the backups the point's map names.
   */
  constructor(o: { valueInModel?: boolean; held?: Held } & CardOf = {}) {
    this.cut = new JournalCut(makeLayout(MEMORY, PAGE).journal);
    this.card = conformanceCard(this.cut, o);
    this.attacker = o.held ?? new Held();
    this.held = this.attacker.backups;
    this.v2 = o.valueInModel === false;
    this.cardKey = cardSigningKey(this.card);
    const v = this.card.inspect();
    const slot = (aid: string) => v.apTable.findIndex((a) => a.aid.toUpperCase() === aid);
    this.emoneySlot = slot(hex(APP_AID.emoney).toUpperCase());
    const e = v.apTable[this.emoneySlot];
    const p = v.apTable[slot(POKE_AID)];
    if (!e || !p || e.size !== PAGE || p.size !== PAGE) throw new Error('conformance card: each application must fill exactly one page');
    this.emoneyOffset = e.offset;
    this.pokeOffset = p.offset;
    this.page = [e.offset / PAGE, p.offset / PAGE];
    this.modelPages = o.valueInModel === false ? [this.page[1]] : [...this.page];
  }

  /** The card's state in the model's terms. */
  state(): ModelState {
    const v = this.card.inspect();
    const tokenByte = v.memory[this.pokeOffset] ?? -1;
    return {
      counter: v.backupCounter,
      tries: v.pinTriesLeft,
      pending: v.restorePending ? 1 : 0,
      value: readU32be(v.memory, this.emoneyOffset + 4),
      token: tokenByte === 0x11 ? 0 : tokenByte - 0xa0,
      changed0: v.changedPages.includes(this.page[0]) ? 1 : 0,
      changed1: v.changedPages.includes(this.page[1]) ? 1 : 0,
      point: v.currentPoint,
      rflag: v.apTable[this.emoneySlot]?.restoreExecuted ? 1 : 0,
    };
  }

  /**
   * The value application's counters through its own commands (SELECT, READ COUNTERS):
   * what a terminal reads. A card left off by a cut is powered on first (its journal
   * recovered), as the next step would.
   */
  value(): CardValue {
    this.on();
    const sel = send(this.card, select.getApdu(APP_AID.emoney));
    if (sel.sw !== 0x9000) throw new Error(`SELECT e-money answered ${sel.sw.toString(16)}`);
    const r = send(this.card, emoneyReadCounters.getApdu());
    if (r.sw !== 0x9000) return { sw: r.sw, value: -1, loadCounter: -1, spendCounter: -1 };
    return { sw: r.sw, ...emoneyReadCounters.parseResponse(raw(r)) };
  }

  /** A card left off by a cut is powered on (journal recovered), as the next step would. */
  private on(): void {
    if (this.off) {
      this.card.powerOn();
      this.off = false;
    }
  }

  /** A command between model steps (the host reading the card); powers a card left off on. */
  query(c: CommandApdu): { data: Uint8Array; sw: number } {
    this.on();
    return send(this.card, c);
  }

  /** The authorisation counter as the card answers GET DATA 010B. */
  authorisationCounter(): number {
    const r = this.query(getAuthorisationCounter.getApdu());
    if (r.sw !== 0x9000) throw new Error(`GET DATA 010B answered ${r.sw.toString(16)}`);
    return getAuthorisationCounter.parseResponse(raw(r));
  }

  /**
   * The card's state in card-v2.pml's terms (`StepV2.state` without the value, which
   * `value()` reads): the point is the seq of the backup the memory equals when that
   * backup is `source`'s (the card making the model's backups), 100 + seq otherwise.
   */
  stateV2(source: string): { counter: number; tries: number; pending: number; page0: number; changed0: number; point: number; authorisationCounter: number; epoch: number; minEpoch: number } {
    const c = this.state();
    const v = this.card.inspect();
    const point = v.point.seq === 0 ? 0 : v.point.card === source ? v.point.seq : 100 + v.point.seq;
    return { counter: c.counter, tries: c.tries, pending: c.pending, page0: c.token, changed0: c.changed1, point, authorisationCounter: this.authorisationCounter(), epoch: v.epoch, minEpoch: v.minEpoch };
  }

  /** Plays one model step; answers the status word, or 0 for a power cut. */
  play(s: Step): number {
    const tx = (c: CommandApdu) => send(this.card, c);
    const cutting = s.cut === 1;
    // Power on before arming: the recovery of the last cut clears the journal flag it
    // left set, and that write must not count as one of this command's (it did, so the
    // second of two cuts in a row fell a write early: the card then parted from a
    // mutant's trail at an unrelated VERIFY instead of at the bug).
    if (this.off) {
      this.card.powerOn();
      this.off = false;
    }
    // The value commands go to the e-money application: selected before the cut is armed
    // (SELECT writes nothing, so the count of journal writes is the command's own).
    if (this.v2 && (s.cmd === CMD.credit || s.cmd === CMD.debit)) send(this.card, select.getApdu(APP_AID.emoney));
    if (cutting) this.cut.arm(2); // before the clear of the first group's journal flag
    try {
      return this.run(s, tx);
    } catch (e) {
      if (e instanceof PowerLoss) {
        this.current = undefined;
        this.off = true;
        return 0;
      }
      throw e;
    } finally {
      this.cut.disarm();
    }
  }

  private run(s: Step, tx: (c: CommandApdu) => { data: Uint8Array; sw: number }): number {
    this.date++;
    switch (s.cmd) {
      case CMD.verifyOk:
        return tx(verifyPin.getApdu('1234')).sw;
      case CMD.verifyBad:
        return tx(verifyPin.getApdu('9999')).sw;
      case CMD.backup: {
        const kind: BackupKind = s.a1 === 1 ? 'full' : 'diff';
        const versionsAtStart = this.card.inspect().pageVersions;
        const r = tx(backup.getApdu(kind, this.date));
        if (r.sw === 0x9000) {
          const start = backup.parseResponse(raw(r));
          this.held.set(start.header.seq, { cardNumber: start.header.cardNumber, epoch: start.header.epoch, kind, wrappedKeyBytes: start.wrappedKeyBytes, headerBytes: start.headerBytes, headerSignature: start.headerSignature, versionsAtStart, records: new Map() });
          this.current = start.header.seq;
        }
        return r.sw;
      }
      case CMD.backupTransfer: {
        const r = tx(backupTransfer.getApdu(65536));
        const b = this.current === undefined ? undefined : this.held.get(this.current);
        if (r.sw === 0x9000 && b) for (const seg of backupTransfer.parseResponse(raw(r), PAGE).segments) for (const rec of seg.records) b.records.set(rec.page, rec);
        return r.sw;
      }
      case CMD.backupComplete: {
        const r = tx(backupComplete.getApdu(headerHash(this.hold(s.a1).headerBytes)));
        if (r.sw === 0x9000) this.current = undefined;
        return r.sw;
      }
      case CMD.backupAbort: {
        const r = tx(backupAbort.getApdu());
        if (r.sw === 0x9000) this.current = undefined;
        return r.sw;
      }
      case CMD.restore: {
        const b = this.hold(s.a1);
        const mode = s.a2 === 1 ? 'replay' : 'compacted';
        const r = tx(restore.getApdu({ target: 'same', mode, wrappedKey: b.wrappedKeyBytes, header: b.headerBytes, headerSignature: b.headerSignature }));
        if (r.sw !== 0x9000 || (mode === 'replay' && b.kind === 'diff')) return r.sw;
        this.sendOtherPages(s.a1, tx);
        return r.sw;
      }
      case CMD.crossRestore: {
        // card-v2.pml XRESTORE b k: another card's backup b with the issuer's authorisation k (compacted)
        const b = this.hold(s.a1);
        const authorisation = this.attacker.authorisations.get(s.a2);
        if (!authorisation) throw new Error(`the model names authorisation ${s.a2}, which the issuer never signed`);
        const r = tx(restore.getApdu({ target: 'other', mode: 'compacted', wrappedKey: b.wrappedKeyBytes, header: b.headerBytes, headerSignature: b.headerSignature, authorisation }));
        if (r.sw === 0x9000) this.sendOtherPages(s.a1, tx);
        return r.sw;
      }
      case CMD.epochUpdate: {
        const own = this.card.inspect().cardNumber;
        const e = this.attacker.epochCertificates.get(s.a1);
        const cc = this.attacker.cardCertificates.get(own)?.get(s.a1);
        if (!e || !cc) throw new Error(`the model names epoch ${s.a1}, whose certificates the issuer never made for ${own}`);
        return tx(epochUpdate.getApdu(e, cc)).sw;
      }
      case CMD.restoreTransfer: {
        const b = this.hold(s.a1);
        const page = this.page[s.a2 as 0 | 1];
        const rec = b.records.get(page);
        if (!rec) throw new Error(`backup ${s.a1} carries no page ${page}`);
        return tx(restoreTransfer.getApdu([{ seq: s.a1, kind: b.kind, records: [rec] }])).sw;
      }
      case CMD.restoreComplete:
        return tx(restoreComplete.getApdu(this.date)).sw;
      case CMD.restoreAbort:
        return tx(restoreAbort.getApdu()).sw;
      case CMD.credit:
        if (this.v2) {
          // card-v2.pml LOAD a1: the issuer's token number a1 for this card, or (a1 = 0) a forgery
          const { cardNumber, issuer, epoch } = this.card.inspect();
          // a forgery names this card's issuer and epoch: only the signature is wrong
          const t = s.a1 === 0 ? token({ cardNumber, issuer, epoch, amount: 1, loadCounter: 1 }, FORGER_KEY) : token({ cardNumber, amount: 1, loadCounter: s.a1 });
          const r = tx(emoneyCredit.getApdu(t, this.date));
          this.loaded = r.sw === 0x9000 ? emoneyCredit.parseResponse(raw(r)) : undefined;
          return r.sw;
        }
        tx(select.getApdu(APP_AID.emoney));
        {
          // Version 2: a load takes the issuer's token for the card's next load counter (test/card/value-support.ts).
          const c = tx(emoneyReadCounters.getApdu());
          const next = c.sw === 0x9000 ? emoneyReadCounters.parseResponse(raw(c)).loadCounter + 1 : 1;
          return tx(emoneyCredit.getApdu(token({ cardNumber: this.card.inspect().cardNumber, amount: 1, loadCounter: next }), this.date)).sw;
        }
      case CMD.debit:
        if (!this.v2) tx(select.getApdu(APP_AID.emoney));
        {
          const r = tx(emoneyDebit.getApdu(1, this.date));
          this.receipt = undefined;
          if (this.v2 && r.sw === 0x9000) {
            const d = decodeReceipt(r.data);
            if (!d.ok) throw d.error;
            if (!verifyReceipt(this.cardKey, d.value)) throw new Error('the receipt does not verify with the card key');
            this.receipt = d.value;
          }
          return r.sw;
        }
      case CMD.poke:
        tx(select.getApdu(fromHex(POKE_AID)));
        return tx(pokeCommand(0, new Uint8Array(PAGE).fill(0xa0 + s.a1))).sw;
      case CMD.power:
        this.card.powerOff();
        this.current = undefined;
        return 0x9000;
      default:
        throw new Error(`unknown model command ${s.cmd}`);
    }
  }

  /** The pages the model does not name, from the backups backup `seq`'s page map names. */
  private sendOtherPages(seq: number, tx: (c: CommandApdu) => { data: Uint8Array; sw: number }): void {
    const map = this.mapOf(seq);
    const bySeq = new Map<number, Segment>();
    map.forEach((at, page) => {
      const rec = this.modelPages.includes(page) ? undefined : this.held.get(at)?.records.get(page);
      // A record never received cannot be sent: the card then misses the page, as the model does.
      if (!rec) return;
      const seg = bySeq.get(at) ?? { seq: at, kind: this.hold(at).kind, records: [] };
      seg.records.push(rec);
      bySeq.set(at, seg);
    });
    if (bySeq.size > 0) {
      const rest = tx(restoreTransfer.getApdu([...bySeq.values()]));
      // Records sealed to another epoch than the header's do not open (6988) and the
      // refusal ends the session: card-v2.pml `hiddenPages` says the same. Any other refusal is the driver's fault.
      const otherEpoch = [...bySeq.keys()].some((at) => this.hold(at).epoch !== this.hold(seq).epoch);
      if (rest.sw !== 0x9000 && !(rest.sw === 0x6988 && otherEpoch)) throw new Error(`the card refused the pages outside the model: ${rest.sw.toString(16)}`);
    }
  }

  private hold(seq: number): HeldBackup {
    const b = this.held.get(seq);
    if (!b) throw new Error(`the model names backup ${seq}, which the card never answered`);
    return b;
  }

  /** The page map of backup `seq`'s header: its versions at start, its own pages at seq. */
  private mapOf(seq: number): number[] {
    const b = this.hold(seq);
    return b.versionsAtStart.map((v, page) => (b.records.has(page) || b.kind === 'full' ? seq : v));
  }
}
