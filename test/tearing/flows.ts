/**
 * The flows the suite tears, each from a saved card state (its "base"). The cards are
 * the smallest the OS makes (8 KiB memory) in 1 KiB pages, which the five applications
 * fill exactly: a restore writes ~7 KiB, so ~15,000 cut points, each of which replays
 * the whole flow, and opening sealed pages costs per page as well as per byte.
 */
import { loadSimCard, type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import { headerHash } from '../../src/protocol/backup-format.ts';
import { backup, backupComplete, backupTransfer, getAuthorisationCounter, restore, restoreComplete, restoreTransfer, select, verifyPin } from '../../src/protocol/commands/index.ts';
import { token } from '../card/value-support.ts';
import { emoneyCredit, emoneyDebit, emoneyReadBalance } from '../../src/protocol/commands/apps/emoney.ts';
import { APP_AID } from '../../src/protocol/commands/apps/ids.ts';
import { membershipRead } from '../../src/protocol/commands/apps/membership.ts';
import { SW } from '../../src/protocol/status-words.ts';
import { authorise, packRecords, pointRecords, runBackup, verify, type StoredBackup } from '../card/helpers.ts';
import { Driver } from './driver.ts';

export const CARD_A = '4900000000000301';
export const CARD_B = '4900000000000402';
const SIZE = { memorySize: 8192, pageSize: 1024 } as const;
const DATE = Date.UTC(2025, 3, 1);

export interface Flow {
  name: string;
  base: Uint8Array;
  seed: string;
  /** Runs the whole flow; throws PowerLoss at the injected cut. */
  run(d: Driver): void;
  /** A restore flow: a torn run may leave "restore pending", which only this flow completed clears. */
  restores?: boolean;
  /** The wrong-PIN flow: the try counter must never be higher after it. */
  wrongPin?: boolean;
}

const open = (base: Uint8Array, seed: string): SimCard => {
  const c = loadSimCard(base, { seed });
  c.powerOn();
  return c;
};

function backupFlow(d: Driver, kind: 'full' | 'diff'): void {
  d.expect(verifyPin.getApdu('1234'), SW.OK, 'verify');
  const start = backup.parseResponse(d.expect(backup.getApdu(kind, DATE), SW.OK).bytes);
  for (;;) {
    const r = d.expect(backupTransfer.getApdu(65536), [SW.OK, SW.MORE_DATA]);
    if (r.sw === SW.OK) break;
  }
  d.expect(backupComplete.getApdu(headerHash(start.headerBytes)), SW.OK);
}

/**
 * `authFor`: a restore onto another card asks the issuer, as the host does, for the
 * authorisation naming the card's counter + 1 as the card holds it now (one per try: an
 * authorisation works once, so a torn restore is retried with a new one).
 */
function restoreFlow(d: Driver, point: StoredBackup, authFor?: (counter: number) => Uint8Array): void {
  d.expect(verifyPin.getApdu('1234'), SW.OK, 'verify');
  const target = authFor ? 'other' : 'same';
  const auth = authFor?.(getAuthorisationCounter.parseResponse(d.expect(getAuthorisationCounter.getApdu(), SW.OK).bytes));
  d.expect(restore.getApdu({ target, mode: 'compacted', wrappedKey: point.wrappedKeyBytes, header: point.headerBytes, headerSignature: point.headerSignature, ...(auth ? { authorisation: auth } : {}) }), SW.OK);
  for (const t of packRecords(pointRecords([point]), point.header.pageSize, 65535)) d.expect(restoreTransfer.getApdu(t), SW.OK);
  d.expect(restoreComplete.getApdu(DATE), SW.OK, 'restore-complete');
}

/** The value an application would report now (its reset applied if it was restored), or undefined if it refuses. */
export function effectiveValue(d: Driver): { yen: number; points: number } | undefined {
  if (d.send(select.getApdu(APP_AID.emoney)).sw !== SW.OK) return undefined;
  const bal = d.send(emoneyReadBalance.getApdu());
  if (bal.sw !== SW.OK && bal.sw !== SW.VALUE_RESET) return undefined;
  d.expect(select.getApdu(APP_AID.membership), SW.OK);
  const pts = d.send(membershipRead.getApdu());
  if (pts.sw !== SW.OK && pts.sw !== SW.VALUE_RESET) return undefined;
  return { yen: emoneyReadBalance.parseResponse(bal.bytes), points: membershipRead.parseResponse(pts.bytes).points };
}

/** Card A with history (a value load, a full backup, a spend after it), card B blank of data, and the stored backup. */
export function makeFlows(): Flow[] {
  const a = createTestCard({ ...SIZE, cardNumber: CARD_A, seed: 'tear-A' });
  a.powerOn();
  verify(a);
  const da = new Driver(a);
  da.expect(select.getApdu(APP_AID.emoney), SW.OK);
  da.expect(emoneyCredit.getApdu(token({ cardNumber: CARD_A, amount: 5000, loadCounter: 1 }), DATE), SW.OK);
  const full = runBackup(a, 'full', { date: DATE });
  da.expect(select.getApdu(APP_AID.emoney), SW.OK);
  da.expect(emoneyDebit.getApdu(1200, DATE), SW.OK);
  const baseA = a.save();

  const b = createTestCard({ ...SIZE, cardNumber: CARD_B, seed: 'tear-B' });
  const baseB = b.save();
  const auths = new Map<number, Uint8Array>();
  const authFor = (counter: number): Uint8Array => {
    let a = auths.get(counter);
    if (!a) auths.set(counter, (a = authorise(full, b, { counter: counter + 1 })));
    return a;
  };

  // A after one wrong PIN (2 tries left), and A just restored (flags set, value not yet reset).
  const w = open(baseA, 'tear-A');
  new Driver(w).expect(verifyPin.getApdu('9999'), 0x63c2);
  const baseWrong = w.save();
  const r = open(baseA, 'tear-A');
  restoreFlow(new Driver(r), full);
  const baseRestored = r.save();

  const flows: Flow[] = [
    { name: 'full backup', base: baseA, seed: 'tear-A', run: (d) => backupFlow(d, 'full') },
    { name: 'diff backup', base: baseA, seed: 'tear-A', run: (d) => backupFlow(d, 'diff') },
    { name: 'same-card restore', base: baseA, seed: 'tear-A', restores: true, run: (d) => restoreFlow(d, full) },
    { name: 'cross-card restore', base: baseB, seed: 'tear-B', restores: true, run: (d) => restoreFlow(d, full, authFor) },
    {
      name: 'credit',
      base: baseA,
      seed: 'tear-A',
      run: (d) => {
        d.expect(verifyPin.getApdu('1234'), SW.OK, 'verify');
        d.expect(select.getApdu(APP_AID.emoney), SW.OK);
        d.expect(emoneyCredit.getApdu(token({ cardNumber: CARD_A, amount: 2000, loadCounter: 2 }), DATE), SW.OK);
      },
    },
    {
      name: 'debit',
      base: baseA,
      seed: 'tear-A',
      run: (d) => {
        d.expect(select.getApdu(APP_AID.emoney), SW.OK);
        d.expect(emoneyDebit.getApdu(800, DATE), SW.OK);
      },
    },
    { name: 'PIN verify (right PIN)', base: baseWrong, seed: 'tear-A', run: (d) => d.expect(verifyPin.getApdu('1234'), SW.OK, 'verify') },
    { name: 'PIN verify (wrong PIN)', base: baseWrong, seed: 'tear-A', wrongPin: true, run: (d) => d.expect(verifyPin.getApdu('4321'), 0x63c1, 'verify') },
    {
      name: 'value app notes the restore (version 2: value kept)',
      base: baseRestored,
      seed: 'tear-A',
      run: (d) => {
        d.expect(select.getApdu(APP_AID.emoney), SW.OK);
        d.expect(emoneyReadBalance.getApdu(), SW.OK);
      },
    },
  ];
  return flows;
}
