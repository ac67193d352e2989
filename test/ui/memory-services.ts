/**
 * An in-memory `Services` for the UI's own tests and the view harness. Test only:
 * never imported by src/. It behaves like the real layers at the level the UI sees
 * (PIN tries, changed pages, diff vs full, value kept by a restore: protocol v2), nothing deeper.
 */
import type { CardEvent, CardInfo, RetentionRow, BackupEntry, TransferProgress } from '../../src/ui/model.ts';
import type { DemoControls, Services, TransferOptions } from '../../src/ui/services/contract.ts';
import { firstPage, PAGE_SIZE, sampleCard } from './demo-card.ts';

export interface MemoryOptions {
  /** Backups already in the vault (timeline length). */
  seedBackups?: number;
  /** Seqs that verify reports as damaged. */
  damaged?: readonly number[];
  /** ms between progress steps (0 = no waiting). */
  stepDelayMs?: number;
  pin?: string;
  /** Stop a transfer after this many progress steps until it is cancelled (for screenshots). */
  stallAtStep?: number;
  /** Make connectReader fail with this code. */
  readerError?: string;
}

const fail = (code: string) => Object.assign(new Error(code), { code });
const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });
const BASE_DATE = Date.UTC(2026, 10, 20, 9, 0);

export function createMemoryServices(opts: MemoryOptions = {}) {
  const listeners = new Set<(e: CardEvent) => void>();
  const s = {
    card: null as CardInfo | null,
    lost: new Set<string>(),
    replacementFor: null as string | null,
    changed: new Set<number>(),
    triesLeft: 3,
    names: new Map<number, string>(),
    persisted: false,
    backups: [] as (BackupEntry & { card: CardInfo })[],
    present: false,
  };
  const pin = opts.pin ?? '1234';

  for (let i = 1; i <= (opts.seedBackups ?? 0); i++) {
    const card = sampleCard();
    s.backups.push({ seq: i, cardNumber: card.cardNumber, date: BASE_DATE - ((opts.seedBackups ?? 0) - i) * 3_600_000, kind: i === 1 ? 'full' : 'diff',
      bytes: i === 1 ? 192 * PAGE_SIZE : (i % 7 + 1) * PAGE_SIZE, pagesChanged: i === 1 ? 192 : i % 7 + 1, health: 'ok', name: null, apps: i === 1 ? ['emoney', 'credit', 'id', 'medical', 'membership'] : ['emoney'], card });
  }
  const damaged = new Set(opts.damaged ?? []);
  for (const b of s.backups) if (damaged.has(b.seq)) b.health = 'damaged';

  const emit = (e: CardEvent) => listeners.forEach((l) => l(e));
  const need = () => {
    if (!s.present || !s.card) throw fail('no-card');
    return s.card;
  };
  const touch = (page: number) => s.changed.add(page);
  const of = (card: string) => s.backups.filter((b) => b.cardNumber === card);
  const defaultCard = () => {
    const here = s.present ? (s.card?.cardNumber ?? null) : null;
    if (here && of(here).length > 0) return here;
    if (s.replacementFor && of(s.replacementFor).length > 0) return s.replacementFor;
    return here ?? s.backups.at(-1)?.cardNumber ?? null;
  };
  /** The card checks the PIN first, once per operation. */
  const checkPin = (p: string) => {
    if (s.triesLeft === 0) throw fail('pin-blocked');
    if (p === pin) {
      s.triesLeft = 3;
      return;
    }
    s.triesLeft--;
    if (s.triesLeft === 0) throw fail('pin-blocked');
    throw Object.assign(fail('pin-wrong'), { triesLeft: s.triesLeft });
  };
  const wait = () => new Promise<void>((r) => setTimeout(r, opts.stepDelayMs ?? 0));

  async function transfer(total: number, o: TransferOptions) {
    const steps = Math.min(total, 10);
    for (let i = 1; i <= steps; i++) {
      if (o.signal.aborted) throw abortError();
      await wait();
      const pages = Math.round((total * i) / steps);
      const p: TransferProgress = { pages, totalPages: total, bytes: pages * PAGE_SIZE, apdus: i * 2, rate: 4096, secondsLeft: ((total - pages) * PAGE_SIZE) / 4096, phase: 'transferring' };
      o.onProgress(p);
      if (opts.stallAtStep === i) await new Promise((_, reject) => o.signal.addEventListener('abort', () => reject(abortError())));
    }
    if (o.signal.aborted) throw abortError();
  }

  const withMemory = (c: CardInfo): CardInfo => ({ ...c, memory: { ...c.memory, changedCount: s.changed.size, changedPages: [...s.changed].sort((a, b) => a - b) }, pin: { ...c.pin, triesLeft: s.triesLeft, blocked: s.triesLeft === 0 } });
  const setValue = (kind: 'emoney' | 'membership', f: (v: number) => number) => {
    const c = need();
    // Protocol v2: value lives outside the backed-up memory, so a load or spend changes no page.
    s.card = { ...c, apps: c.apps.map((a) => (a.kind === kind && a.value ? { ...a, restoredFlag: false, value: { ...a.value, amount: f(a.value.amount) } } : a)) };
  };

  const demo: DemoControls = {
    spend: async (n) => setValue('emoney', (v) => { if (v < n) throw fail('unknown'); return v - n; }),
    load: async (n) => setValue('emoney', (v) => v + n),
    addPoints: async (n) => setValue('membership', (v) => v + n),
    editRecord: async (e) => {
      const c = need();
      s.card = { ...c, apps: c.apps.map((a) => (a.kind === e.app ? { ...a, fields: a.fields.map((f) => (f.id === e.field ? { ...f, value: e.value } : f)) } : a)) };
      touch(firstPage(e.app) + 2);
    },
    issueReplacementCard: async () => {
      s.replacementFor = s.card?.cardNumber ?? s.replacementFor ?? sampleCard().cardNumber;
      const fresh = sampleCard('4980123456789029');
      s.card = { ...fresh, apps: fresh.apps.map((a) => ({ ...a, fields: [], value: a.value ? { ...a.value, amount: 0 } : null })) };
      s.changed.clear(); s.triesLeft = 3; s.present = true;
      emit({ type: 'inserted' });
    },
    loseCard: async () => { if (s.card) s.lost.add(s.card.cardNumber); s.present = false; emit({ type: 'removed' }); },
    resetDemo: async () => { s.backups = []; s.card = sampleCard(); s.changed.clear(); s.triesLeft = 3; s.present = true; s.replacementFor = null; },
  };

  const services: Services = {
    connectDemo: async () => { s.card ??= { ...sampleCard(), lastBackupSeq: s.backups.at(-1)?.seq ?? null }; s.present = true; return { name: 'Demo reader', kind: 'demo' }; },
    connectReader: async () => { throw fail(opts.readerError ?? 'protected-class'); },
    disconnect: async () => { s.present = false; },
    cardPresent: async () => s.present,
    onCardEvent: (l) => { listeners.add(l); return () => listeners.delete(l); },
    readCard: async () => withMemory(need()),
    backup: async (o) => {
      const c = need();
      checkPin(o.pin);
      const have = of(c.cardNumber).length > 0;
      if (o.kind === 'diff' && !have) throw fail('no-base-backup');
      const kind = o.kind === 'full' || !have ? 'full' : 'diff';
      const pages = kind === 'full' ? c.memory.pageCount : s.changed.size;
      await transfer(Math.max(1, pages), o);
      const seq = (s.backups.at(-1)?.seq ?? 0) + 1;
      s.backups.push({ seq, cardNumber: c.cardNumber, date: BASE_DATE + seq * 60_000, kind, bytes: pages * PAGE_SIZE, pagesChanged: pages, health: 'ok', name: o.name ?? null, apps: kind === 'full' ? c.apps.map((a) => a.kind) : [], card: withMemory(c) });
      s.changed.clear();
      s.card = { ...c, lastBackupSeq: seq };
      return { seq, kind, pages, bytes: pages * PAGE_SIZE };
    },
    previewRestore: async (sourceCard, seq) => {
      const c = withMemory(need());
      const b = s.backups.find((x) => x.cardNumber === sourceCard && x.seq === seq);
      const same = c.cardNumber === sourceCard;
      return {
        sourceCard,
        seq,
        targetCard: c.cardNumber,
        target: same ? 'same' : 'other',
        blocked: same ? { other: 'same-card' } : { same: 'not-this-card' },
        apps: c.apps.map((a) => {
          const at = b?.card.apps.find((x) => x.kind === a.kind);
          return { kind: a.kind, now: a.value, atPoint: at?.value ?? null, after: a.holdsValue ? a.value : null, recordsNow: a.records, recordsAtPoint: at?.records ?? null, dataDiffers: at ? JSON.stringify(at.fields) !== JSON.stringify(a.fields) : null, pagesChanged: same ? c.memory.changedPages.filter((p) => c.memory.owners[p] === a.kind).length : null };
        }),
        pagesChangedSince: same ? c.memory.changedCount : null,
        pointKnown: b !== undefined,
      };
    },
    restore: async (o) => {
      const c = need();
      const b = s.backups.find((x) => x.seq === o.seq && x.cardNumber === o.sourceCard);
      if (!b) throw fail('restore-refused');
      checkPin(o.pin);
      if ((o.target === 'same') !== (b.cardNumber === c.cardNumber)) throw fail('wrong-card');
      await transfer(b.card.memory.pageCount, o);
      const before = c;
      // Protocol v2: a restore neither creates nor destroys value; each value app keeps the target card's own.
      const kept = (kind: string) => before.apps.find((x) => x.kind === kind)?.value ?? null;
      s.card = { ...b.card, cardNumber: c.cardNumber, lastBackupSeq: null, apps: b.card.apps.map((a) => (a.value ? { ...a, value: kept(a.kind), restoredFlag: false } : a)) };
      s.changed.clear();
      return {
        seq: b.seq,
        sourceCard: o.sourceCard,
        target: o.target,
        pages: b.card.memory.pageCount,
        apps: b.card.apps.map((a) => ({ kind: a.kind, valueReset: false, before: kept(a.kind), discarded: null, after: a.value ? kept(a.kind) : null, reissued: null })),
      };
    },
    vaultCards: async () => {
      const here = s.present ? (s.card?.cardNumber ?? null) : null;
      const cards = [...new Set([...s.backups.map((b) => b.cardNumber), ...(here ? [here] : [])])];
      return cards.map((cardNumber) => ({ cardNumber, backups: of(cardNumber).length, newest: of(cardNumber).at(-1)?.date ?? null, inReader: cardNumber === here, replacedByReader: cardNumber === s.replacementFor && here !== null }));
    },
    defaultTimelineCard: async () => defaultCard(),
    timelineCount: async (card) => of(card).length,
    timeline: async (card, offset, limit) => of(card).reverse().slice(offset, offset + limit).map(({ card: _c, ...e }) => ({ ...e, name: s.names.get(e.seq) ?? e.name })),
    nameBackup: async (_card, seq, name) => {
      s.names.set(seq, name);
    },
    storageHealth: async () => ({ usedBytes: s.backups.reduce((n, b) => n + b.bytes, 0), quotaBytes: 50 * 1024 * 1024, persisted: s.persisted, fullBackupBytes: 192 * (PAGE_SIZE + 21), level: 'ok' }),
    keepStorage: async () => {
      s.persisted = true;
      return true;
    },
    vaultStatus: async () => ({ backups: s.backups.length, cards: new Set(s.backups.map((b) => b.cardNumber)).size, bytes: s.backups.reduce((n, b) => n + b.bytes, 0), persistent: true }),
    verifyVault: async (deepPin) => {
      if (deepPin !== null) checkPin(deepPin);
      return { deep: deepPin !== null, checked: s.backups.length, problems: s.backups.filter((b) => damaged.has(b.seq)).map((b) => ({ seq: b.seq, kind: 'hash-mismatch' as const, detail: `blob of page 40 in #${b.seq}` })) };
    },
    retentionPlan: async (policy) => {
      const keep = new Set(s.backups.slice(Math.max(0, s.backups.length - policy.keepLast)).map((b) => b.seq));
      const rows: RetentionRow[] = [...s.backups].reverse().map((b) => ({
        cardNumber: b.cardNumber,
        seq: b.seq,
        date: b.date,
        bytes: b.bytes,
        action: keep.has(b.seq) || b.kind === 'full' ? 'keep' : 'remove',
        reasons: keep.has(b.seq) ? [{ code: 'last', n: policy.keepLast, rank: s.backups.length - b.seq + 1 }] : b.kind === 'full' ? [{ code: 'newest-verified' }] : [{ code: 'no-rule' }],
      }));
      const removed = rows.filter((r) => r.action === 'remove');
      return { dryRun: true, rows, removed: removed.length, freedBytes: removed.reduce((n, r) => n + r.bytes, 0) };
    },
    removeBackups: async (list) => {
      const gone = s.backups.filter((b) => list.some((x) => x.cardNumber === b.cardNumber && x.seq === b.seq));
      s.backups = s.backups.filter((b) => !gone.includes(b));
      const rows: RetentionRow[] = gone.map((b) => ({ cardNumber: b.cardNumber, seq: b.seq, date: b.date, bytes: b.bytes, action: 'remove', reasons: [] }));
      return { dryRun: false, rows, removed: rows.length, freedBytes: rows.reduce((n, r) => n + r.bytes, 0) };
    },
    exportVault: async () => new Blob([JSON.stringify(s.backups.map((b) => b.seq))], { type: 'application/octet-stream' }),
    importVault: async (file) => {
      const text = await file.text();
      if (!text.startsWith('[')) throw fail('import-invalid');
      return { backups: (JSON.parse(text) as unknown[]).length, cards: 1 };
    },
    demo: () => (s.present || s.card ? demo : null),
  };
  return { services, state: s };
}
