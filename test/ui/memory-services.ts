/**
 * An in-memory `Services` for the UI's own tests and the view harness. Test only:
 * never imported by src/. It behaves like the real layers at the level the UI sees
 * (PIN tries, changed pages, diff vs full, value reset after restore), nothing deeper.
 */
import type { CardEvent, CardInfo, TimelineEntry, TransferProgress } from '../../src/ui/model.ts';
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
    verified: false,
    backups: [] as (TimelineEntry & { card: CardInfo })[],
    present: false,
  };
  const pin = opts.pin ?? '1234';

  for (let i = 1; i <= (opts.seedBackups ?? 0); i++) {
    const card = sampleCard();
    s.backups.push({ seq: i, cardNumber: card.cardNumber, date: BASE_DATE - ((opts.seedBackups ?? 0) - i) * 3_600_000, kind: i === 1 ? 'full' : 'diff',
      bytes: i === 1 ? 192 * PAGE_SIZE : (i % 7 + 1) * PAGE_SIZE, pagesChanged: i === 1 ? 192 : i % 7 + 1, chain: 'ok', card });
  }
  const damaged = new Set(opts.damaged ?? []);
  for (const b of s.backups) if (damaged.has(b.seq)) b.chain = 'damaged';

  const emit = (e: CardEvent) => listeners.forEach((l) => l(e));
  const need = () => {
    if (!s.present || !s.card) throw fail('no-card');
    return s.card;
  };
  const touch = (page: number) => s.changed.add(page);
  const mine = () => s.backups.filter((b) => b.cardNumber === (s.replacementFor ?? s.card?.cardNumber));
  const wait = () => new Promise<void>((r) => setTimeout(r, opts.stepDelayMs ?? 0));

  async function transfer(total: number, o: TransferOptions) {
    const steps = Math.min(total, 10);
    for (let i = 1; i <= steps; i++) {
      if (o.signal.aborted) throw abortError();
      await wait();
      const pages = Math.round((total * i) / steps);
      const p: TransferProgress = { pages, totalPages: total, bytes: pages * PAGE_SIZE, apdus: i * 2, rate: 4096, secondsLeft: ((total - pages) * PAGE_SIZE) / 4096 };
      o.onProgress(p);
      if (opts.stallAtStep === i) await new Promise((_, reject) => o.signal.addEventListener('abort', () => reject(abortError())));
    }
    if (o.signal.aborted) throw abortError();
  }

  const withMemory = (c: CardInfo): CardInfo => ({ ...c, memory: { ...c.memory, changedCount: s.changed.size, changedPages: [...s.changed].sort((a, b) => a - b) }, pin: { ...c.pin, triesLeft: s.triesLeft, blocked: s.triesLeft === 0 } });
  const setValue = (kind: 'emoney' | 'membership', f: (v: number) => number) => {
    const c = need();
    s.card = { ...c, apps: c.apps.map((a) => (a.kind === kind && a.value ? { ...a, restoredFlag: false, value: { ...a.value, amount: f(a.value.amount) } } : a)) };
    touch(firstPage(kind));
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
    verifyPin: async (p) => {
      need();
      if (s.triesLeft === 0) return { ok: false, triesLeft: 0, blocked: true };
      s.triesLeft--;
      if (p === pin) { s.triesLeft = 3; s.verified = true; return { ok: true }; }
      return { ok: false, triesLeft: s.triesLeft, blocked: s.triesLeft === 0 };
    },
    backup: async (o) => {
      const c = need();
      if (!s.verified) throw fail('unknown');
      const have = mine().length > 0;
      if (o.kind === 'diff' && !have) throw fail('no-base-backup');
      const kind = o.kind === 'full' || !have ? 'full' : 'diff';
      const pages = kind === 'full' ? c.memory.pageCount : s.changed.size;
      await transfer(Math.max(1, pages), o);
      const seq = (s.backups.at(-1)?.seq ?? 0) + 1;
      s.backups.push({ seq, cardNumber: c.cardNumber, date: BASE_DATE + seq * 60_000, kind, bytes: pages * PAGE_SIZE, pagesChanged: pages, chain: 'ok', card: withMemory(c) });
      s.changed.clear();
      s.card = { ...c, lastBackupSeq: seq };
      return { seq, kind, pages, bytes: pages * PAGE_SIZE };
    },
    restore: async (o) => {
      const c = need();
      const b = s.backups.find((x) => x.seq === o.seq);
      if (!b || !s.verified) throw fail('restore-refused');
      if ((o.target === 'this') !== (b.cardNumber === c.cardNumber)) throw fail('restore-refused');
      await transfer(b.card.memory.pageCount, o);
      s.card = { ...b.card, cardNumber: c.cardNumber, lastBackupSeq: null, apps: b.card.apps.map((a) => (a.value ? { ...a, value: { ...a.value, amount: 0 }, restoredFlag: true } : a)) };
      s.changed.clear();
      return { seq: b.seq, target: o.target, pages: b.card.memory.pageCount, apps: b.card.apps.map((a) => ({ kind: a.kind, valueReset: a.holdsValue, valueInBackup: a.value })) };
    },
    timelineCount: async () => mine().length,
    timeline: async (offset, limit) => mine().reverse().slice(offset, offset + limit).map(({ card: _c, ...e }) => e),
    vaultStatus: async () => ({ backups: s.backups.length, cards: new Set(s.backups.map((b) => b.cardNumber)).size, bytes: s.backups.reduce((n, b) => n + b.bytes, 0), persistent: true }),
    verifyVault: async (deep) => ({ deep, checked: s.backups.length, problems: s.backups.filter((b) => damaged.has(b.seq)).map((b) => ({ seq: b.seq, kind: 'hash-mismatch' as const, detail: `blob of page 40 in #${b.seq}` })) }),
    retention: async (policy, dryRun) => {
      const old = s.backups.slice(0, Math.max(0, s.backups.length - policy.keepLast)).filter((b) => b.kind === 'diff');
      if (!dryRun) s.backups = s.backups.filter((b) => !old.includes(b));
      return { dryRun, removedSeqs: old.map((b) => b.seq), kept: s.backups.length - (dryRun ? old.length : 0), freedBytes: old.reduce((n, b) => n + b.bytes, 0) };
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
