// Card figures: full and diff backups of a 64 KiB card (256-byte pages) through
// card.transmit, with extended APDUs and with short APDUs (61xx / GET RESPONSE).
//   payloadBytes  the backup's data part as the vault stores it: records (page u16 +
//                 sealed page + tag), i.e. what must travel however the link is built
//   wireBytes     every APDU byte both ways of the data phase (BACKUP DATA TRANSFER and
//                 GET RESPONSE commands, answers, status words)
//   apdus         exchanges of the data phase; minApdus = ceil(payload / largest data field)
//   control*      BACKUP and BACKUP COMPLETE (fixed: 2 exchanges, ~390 bytes)
// Diff: after changing 5% of the pages; diffOverChanged = wireBytes / (changed pages x page size).
import { type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import type { CardApplication } from '../../src/card-sim/app-api.ts';
import { command, decodeResponse, encodeCommand } from '../../src/protocol/apdu.ts';
import { concat, fromHex } from '../../src/protocol/bytes.ts';
import { headerHash } from '../../src/protocol/backup-format.ts';
import { backup, backupAbort, backupComplete, backupTransfer, restore, restoreAbort, select, verifyPin } from '../../src/protocol/commands/index.ts';
import { authorise, runBackup, send, verify } from '../../test/card/helpers.ts';
import type { BenchEntry, BenchRow } from '../run.ts';

const MEMORY = 65536;
const PAGE = 256;
const AID = fromHex('A0000009990299');

/** A bare application that writes what it is told, so the bench can change pages. */
const writer: CardApplication = {
  aid: AID,
  name: 'bench',
  areaSize: 60 * 1024,
  holdsValue: false,
  install: () => {},
  process: (cmd, ctx) => {
    ctx.write((cmd.p1 << 8) | cmd.p2, cmd.data);
    return { data: new Uint8Array(0), sw: 0x9000 };
  },
};

interface Tally {
  apdus: number;
  wireBytes: number;
}

function tx(card: SimCard, apdu: Uint8Array, t: Tally): { data: Uint8Array; sw: number } {
  const r = card.transmit(apdu);
  t.apdus++;
  t.wireBytes += apdu.length + r.length;
  const d = decodeResponse(r);
  if (!d.ok) throw d.error;
  return d.value;
}

/** One command with its 61xx continuation, as a reader's GET RESPONSE wrapper would do. */
function exchange(card: SimCard, apdu: Uint8Array, t: Tally): { parts: Uint8Array[]; sw: number } {
  let r = tx(card, apdu, t);
  const parts = [r.data];
  while (r.sw >>> 8 === 0x61) {
    r = tx(card, encodeCommand(command(0x00, 0xc0, 0, 0, undefined, r.sw & 0xff || 256)), t);
    parts.push(r.data);
  }
  return { parts, sw: r.sw };
}

function measure(card: SimCard, kind: 'full' | 'diff', extended: boolean) {
  const control: Tally = { apdus: 0, wireBytes: 0 };
  const data: Tally = { apdus: 0, wireBytes: 0 };
  const t0 = performance.now();
  // BACKUP answers 289 bytes (version 2): one exchange on an extended link, 61xx on a short one.
  const start = exchange(card, encodeCommand(backup.getApdu(kind, Date.UTC(2025, 0, 1), extended ? 289 : 256)), control);
  const t1 = performance.now();
  const headerBytes = backup.parseResponse(concat(...start.parts, Uint8Array.of(0x90, 0x00))).headerBytes;
  const ne = extended ? 65536 : 256;
  let payloadBytes = 0;
  for (;;) {
    const r = exchange(card, encodeCommand(backupTransfer.getApdu(ne)), data);
    for (const p of r.parts) payloadBytes += p.length;
    payloadBytes -= r.parts.some((p) => p.length > 0) ? 7 : 0; // the segment header is framing, not payload
    if (r.sw !== 0x6310) {
      if (r.sw !== 0x9000) throw new Error(`transfer answered ${r.sw.toString(16)}`);
      break;
    }
  }
  const records = payloadBytes / (2 + PAGE + 16);
  exchange(card, encodeCommand(backupComplete.getApdu(headerHash(headerBytes))), control);
  const t2 = performance.now();
  const maxData = extended ? 65536 : 256;
  return {
    // The card's BACKUP command: header, its signature and the HPKE-wrapped key (version 2's crypto per backup).
    backupCommandMs: t1 - t0,
    totalMs: t2 - t0,
    records,
    payloadBytes,
    wireBytes: data.wireBytes,
    apdus: data.apdus,
    minApdus: Math.ceil(payloadBytes / maxData),
    apdusOverMin: data.apdus / Math.ceil(payloadBytes / maxData),
    wireOverPayload: data.wireBytes / payloadBytes,
    controlApdus: control.apdus,
    controlWireBytes: control.wireBytes,
  };
}

function run1(extended: boolean) {
  const card = createTestCard({ memorySize: MEMORY, pageSize: PAGE, extendedLength: extended, seed: 'bench', apps: [writer] });
  card.powerOn();
  const t: Tally = { apdus: 0, wireBytes: 0 };
  exchange(card, encodeCommand(verifyPin.getApdu('1234')), t);
  const fullBackup = measure(card, 'full', extended);
  // Change 5% of the pages (13 of 256), spread over the application's area.
  const changed = Math.ceil((MEMORY / PAGE) * 0.05);
  exchange(card, encodeCommand(select.getApdu(AID)), t);
  for (let i = 0; i < changed; i++) {
    const at = i * 4 * PAGE + 17;
    exchange(card, encodeCommand(command(0x80, 0x50, at >>> 8, at & 0xff, new Uint8Array(40).fill(i + 1))), t);
  }
  const diff = measure(card, 'diff', extended);
  return { fullBackup, diffBackup: { ...diff, changedPages: changed, diffOverChanged: diff.wireBytes / (changed * PAGE) } };
}

/**
 * Version 2's crypto on the card, per command (mean of N): BACKUP (header tag, Ed25519
 * signature, HPKE wrap of the unique key), RESTORE of its own backup (signature check, tag)
 * and RESTORE onto another card (the epoch key's signature on the authorisation, HPKE open
 * of the re-wrapped key, the source's header signature, tag). RESTORE ABORT ends each. The
 * reference in the same run: a whole full backup of the card (data phase included).
 */
function cryptoTimes(fullBackupMs: number) {
  const N = 20;
  const a = createTestCard({ memorySize: MEMORY, pageSize: PAGE, seed: 'bench crypto A', apps: [writer], cardNumber: '4900000000000001' });
  const b = createTestCard({ memorySize: MEMORY, pageSize: PAGE, seed: 'bench crypto B', apps: [writer], cardNumber: '4900000000000002' });
  verify(a);
  verify(b);
  const point = runBackup(a, 'full');
  const time = (fn: () => void) => {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) fn();
    return (performance.now() - t0) / N;
  };
  const start = (card: SimCard, target: 'same' | 'other', authorisation?: Uint8Array) => {
    const sw = send(card, restore.getApdu({ target, mode: 'verify', wrappedKey: point.wrappedKeyBytes, header: point.headerBytes, headerSignature: point.headerSignature, ...(authorisation ? { authorisation } : {}) })).sw;
    if (sw !== 0x9000) throw new Error(`RESTORE answered ${sw.toString(16)}`);
    send(card, restoreAbort.getApdu());
  };
  const backupMs = time(() => {
    send(a, backup.getApdu('full', 1));
    send(a, backupAbort.getApdu());
  });
  const restoreSameMs = time(() => start(a, 'same'));
  // Each authorisation works once: made outside the timed loop, one per try.
  const auths = Array.from({ length: N }, (_, i) => authorise(point, b, { counter: i + 1 }));
  let next = 0;
  const restoreOtherMs = time(() => start(b, 'other', auths[next++]));
  return { backupMs, restoreSameMs, restoreOtherMs, fullBackupMs, backupShare: backupMs / fullBackupMs, restoreOtherShare: restoreOtherMs / fullBackupMs };
}

const entry: BenchEntry = {
  name: 'cardBackup',
  run() {
    const extended = run1(true);
    const short = run1(false);
    const crypto = cryptoTimes(extended.fullBackup.totalMs);
    const result = { card: { memorySize: MEMORY, pageSize: PAGE }, extended, short, crypto };
    const rows: BenchRow[] = [];
    for (const [link, r] of [['extended', extended], ['short', short]] as const) {
      for (const [name, m] of [['fullBackup', r.fullBackup], ['diffBackup', r.diffBackup]] as const) {
        rows.push({ link, backup: name, records: m.records, payloadBytes: m.payloadBytes, wireBytes: m.wireBytes, apdus: m.apdus, minApdus: m.minApdus, apdusOverMin: m.apdusOverMin, wireOverPayload: m.wireOverPayload });
      }
      rows.push({ link, backup: 'diff wire / changed bytes', records: r.diffBackup.changedPages, wireOverPayload: r.diffBackup.diffOverChanged });
    }
    const ms = (n: number) => Number(n.toFixed(2));
    rows.push({ link: 'card crypto (v2)', backup: 'BACKUP command', ms: ms(crypto.backupMs), ofFullBackup: ms(crypto.backupShare) });
    rows.push({ link: 'card crypto (v2)', backup: 'RESTORE command, same card', ms: ms(crypto.restoreSameMs), ofFullBackup: ms(crypto.restoreSameMs / crypto.fullBackupMs) });
    rows.push({ link: 'card crypto (v2)', backup: 'RESTORE command, other card', ms: ms(crypto.restoreOtherMs), ofFullBackup: ms(crypto.restoreOtherShare) });
    rows.push({ link: 'card crypto (v2)', backup: 'whole full backup (reference)', ms: ms(crypto.fullBackupMs), ofFullBackup: 1 });
    return Promise.resolve({ result, rows });
  },
};

export default entry;
