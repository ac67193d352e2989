// The vault at the storage floor, in real Chromium (issue 15), driven through a small
// harness page (bench/browser/harness.ts) rather than the app's screens: the renderer
// killed at write points of a commit, a retention run, an import and the schema
// migration; two tabs backing up and pruning at once; the quota overridden small through
// the DevTools protocol; fuzzed export files refused with the vault unchanged.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { serveBrowserPages, type Served } from '../bench/browser/serve.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };
type Vh = Record<string, (...args: unknown[]) => Promise<Outcome<unknown>> | unknown>;

let served: Served;
test.beforeAll(async () => {
  served = await serveBrowserPages();
});
test.afterAll(async () => {
  await served.close();
});

async function harness(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${served.base}/bench/browser/harness.html`);
  await page.locator('#state[data-ready]').waitFor();
  return page;
}

async function call<T>(page: Page, fn: string, ...args: unknown[]): Promise<Outcome<T>> {
  return (await page.evaluate(([f, a]) => (window as unknown as { vh: Vh }).vh[f as string]?.(...(a as unknown[])), [fn, args] as const)) as Outcome<T>;
}

async function value<T>(page: Page, fn: string, ...args: unknown[]): Promise<T> {
  const r = await call<T>(page, fn, ...args);
  if (!r.ok) throw new Error(`${fn}: ${r.code}: ${r.message}`);
  return r.value;
}

/**
 * Run `fn` with the renderer set to die at the n-th IndexedDB write request; returns once
 * it is dead. The page holds its main thread after that request (so the transaction
 * cannot commit) and the binding SIGKILLs the renderer processes of this test's own
 * browser, found through the DevTools protocol (Page.crash would wait for the main thread).
 */
async function killDuring(page: Page, n: number, fn: string, ...args: unknown[]): Promise<void> {
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser');
  let killing: Promise<void> = Promise.resolve();
  let dead = false;
  page.once('crash', () => (dead = true));
  await page.exposeBinding('crashNow', () => {
    killing = (async () => {
      const s = await browser.newBrowserCDPSession();
      // Now and then the page's renderer is not yet among the listed ones (a spare one is
      // killed instead): kill again until this page has crashed, a few times at most.
      for (let round = 0; round < 20 && !dead; round++) {
        const { processInfo } = (await s.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
        for (const p of processInfo) if (p.type === 'renderer') process.kill(p.id, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    return killing;
  });
  await page.evaluate((k) => (window as unknown as { vh: { killAtWrite(n: number): void } }).vh.killAtWrite(k), n);
  const crashed = page.waitForEvent('crash');
  const running = call(page, fn, ...args).catch((e: unknown) => e);
  await Promise.race([crashed, running]);
  // The kill loop may still be going (other renderer processes, e.g. Chromium's spare one):
  // let it finish before the next page starts, or it may kill that page's renderer too.
  await killing.catch(() => undefined);
  await page.close().catch(() => undefined);
}

test.describe('renderer killed at write points', () => {
  test('a commit: the vault reopens whole, with or without that backup, verify clean', async ({ browser }) => {
    const context = await browser.newContext();
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const db = `kill-commit-${n}`;
      const card = '1111000011110000';
      let page = await harness(context);
      await value(page, 'backup', db, card, 'full');
      await value(page, 'backup', db, card, 'diff', 5);
      await value(page, 'close', db).catch(() => undefined);
      await killDuring(page, n, 'backup', db, card, 'diff', 7);
      page = await harness(context);
      const seqs = await value<number[]>(page, 'seqs', db, card);
      // Writes 1-6 are the commit's one transaction (pack, manifest, uses, row, pack hash, head): killed there, none of it is held.
      // Writes 7-8 are confirmBackup's: the backup is held (unconfirmed), which the host reconciles with the card.
      expect(seqs, `kill at write ${n}`).toEqual(n <= 6 ? [2, 1] : [3, 2, 1]);
      expect(await value(page, 'verify', db), `kill at write ${n}`).toEqual([]);
      await page.close();
    }
    await context.close();
  });

  test('a retention run: all of it or none of it, verify clean', async ({ browser }) => {
    const context = await browser.newContext();
    const card = '2222000022220000';
    for (const n of [1, 3, 8, 15]) {
      const db = `kill-retention-${n}`;
      let page = await harness(context);
      await value(page, 'backup', db, card, 'full');
      for (let i = 0; i < 9; i++) await value(page, 'backup', db, card, 'diff', 4);
      await killDuring(page, n, 'retention', db, { keepLast: 2 });
      page = await harness(context);
      const seqs = await value<number[]>(page, 'seqs', db, card);
      // Every sampled write lies inside the one delete transaction (8 rows, 8 manifests, 8 tombstones, the head): none of it is kept.
      expect(seqs, `kill at write ${n}`).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      expect(await value(page, 'verify', db), `kill at write ${n}`).toEqual([]);
      await page.close();
    }
    await context.close();
  });

  test('an import: all of it or none of it, verify clean', async ({ browser }) => {
    const context = await browser.newContext();
    const card = '3333000033330000';
    let page = await harness(context);
    await value(page, 'backup', 'kill-import-source', card, 'full');
    for (let i = 0; i < 5; i++) await value(page, 'backup', 'kill-import-source', card, 'diff', 6);
    const file = await value<number[]>(page, 'exportFile', 'kill-import-source');
    await page.close();
    for (const n of [1, 2, 5, 9]) {
      const db = `kill-import-${n}`;
      page = await harness(context);
      await value(page, 'open', db);
      await killDuring(page, n, 'importFile', db, file);
      page = await harness(context);
      const seqs = await value<number[]>(page, 'seqs', db, card);
      // Every sampled write lies inside the one import transaction: nothing of the file is held.
      expect(seqs, `kill at write ${n}`).toEqual([]);
      expect(await value(page, 'verify', db), `kill at write ${n}`).toEqual([]);
      await page.close();
    }
    await context.close();
  });

  test('the schema migration: version 1 stays whole until it all commits; the next open converts it', async ({ browser }) => {
    const fixture = JSON.parse(readFileSync('test/fixtures/vault-v1/vault.json', 'utf8')) as { stores: Record<string, unknown[]> };
    const context = await browser.newContext();
    for (const n of [1, 4, 9]) {
      const db = `kill-migration-${n}`;
      let page = await harness(context);
      await page.evaluate(([d, s]) => (window as unknown as { vh: { writeFixture(d: string, v: number, s: unknown): Promise<void> } }).vh.writeFixture(d as string, 1, s), [db, fixture.stores] as const);
      await killDuring(page, n, 'open', db);
      page = await harness(context);
      expect(await value(page, 'open', db)).toBe(4);
      expect(await value(page, 'verify', db), `kill at write ${n}`).toEqual([]);
      expect(await value(page, 'seqs', db, '1234567890123456')).toEqual([8, 7, 6, 5, 4, 1]);
      await page.close();
    }
    await context.close();
  });

  test('schema migration 3 (uses rows without the byPack index): version 2 stays whole until it all commits; the next open converts it', async ({ browser }) => {
    const fixture = JSON.parse(readFileSync('test/fixtures/vault-v2/vault.json', 'utf8')) as { stores: Record<string, unknown[]> };
    const context = await browser.newContext();
    // 10 uses rows are rewritten in place: killed at the first, a middle and the last.
    for (const n of [1, 5, 10]) {
      const db = `kill-migration3-${n}`;
      let page = await harness(context);
      await page.evaluate(([d, s]) => (window as unknown as { vh: { writeFixture(d: string, v: number, s: unknown): Promise<void> } }).vh.writeFixture(d as string, 2, s), [db, fixture.stores] as const);
      await killDuring(page, n, 'open', db);
      page = await harness(context);
      expect(await value(page, 'open', db)).toBe(4);
      expect(await value(page, 'verify', db), `kill at write ${n}`).toEqual([]);
      expect(await value(page, 'seqs', db, '1234567890123456')).toEqual([9, 8, 7, 6, 5, 4, 1]);
      await page.close();
    }
    await context.close();
  });

  test('schema migration 4 (the pack hashes store): version 3 stays whole until it commits; the next open adds it', async ({ browser }) => {
    const fixture = JSON.parse(readFileSync('test/fixtures/vault-v3/vault.json', 'utf8')) as { stores: Record<string, unknown[]> };
    const context = await browser.newContext();
    // The migration's one write is the store's creation: killed there, inside the versionchange transaction.
    const db = 'kill-migration4';
    let page = await harness(context);
    await page.evaluate(([d, s]) => (window as unknown as { vh: { writeFixture(d: string, v: number, s: unknown): Promise<void> } }).vh.writeFixture(d as string, 3, s), [db, fixture.stores] as const);
    await killDuring(page, 1, 'open', db);
    page = await harness(context);
    expect(await value(page, 'version', db)).toBe(3);
    expect(await value(page, 'open', db)).toBe(4);
    expect(await value(page, 'verify', db)).toEqual([]);
    expect(await value(page, 'seqs', db, '1234567890123456')).toEqual([9, 8, 7, 6, 5, 4, 1]);
    await page.close();
    await context.close();
  });
});

test('two tabs backing up and pruning at once: nothing lost, nothing doubled, verify clean', async ({ browser }) => {
  const context = await browser.newContext();
  const [a, b] = [await harness(context), await harness(context)];
  const db = 'two-tabs';
  const run = async (page: Page, card: string) => {
    await value(page, 'backup', db, card, 'full');
    for (let i = 2; i <= 12; i++) {
      await value(page, 'backup', db, card, 'diff', 3);
      if (i % 4 === 0) await value(page, 'retention', db, { keepLast: 2 }); // every card, under each card's lock
    }
  };
  await Promise.all([run(a, '4444000044440000'), run(b, '5555000055550000')]);
  for (const card of ['4444000044440000', '5555000055550000']) {
    const seqs = await value<number[]>(a, 'seqs', db, card);
    expect(seqs[0]).toBe(12);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
    expect(seqs.slice(0, 2)).toEqual([12, 11]);
  }
  expect(await value(a, 'verify', db)).toEqual([]);
  await context.close();
});

test('quota overridden small through the DevTools protocol: a plain refusal, retention frees space even over quota, the next backup fits', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await harness(context);
  const cdp = await context.newCDPSession(page);
  const db = 'quota';
  const card = '6666000066660000';
  const usage = async () => (await page.evaluate(() => navigator.storage.estimate())).usage ?? 0;
  const setQuota = (quotaSize: number) => cdp.send('Storage.overrideQuotaForOrigin', { origin: served.base, quotaSize });
  await value(page, 'open', db);
  const MiB = 1 << 20;
  await setQuota((await usage()) + 1.4 * MiB);
  const big = (kind: 'full' | 'diff', pages?: number) => call<number>(page, 'backup', db, card, kind, pages ?? 3, 512 * 1024, 3);
  expect((await big('full')).ok).toBe(true);
  expect((await big('full')).ok).toBe(true);
  const before = await value<string>(page, 'dump', db);
  const refused = await big('full');
  expect(refused).toMatchObject({ ok: false, code: 'QUOTA' });
  expect(refused.ok ? '' : refused.message).toMatch(/storage quota is exhausted; this needed about [\d.]+ KiB and nothing was written/);
  expect(await value<string>(page, 'dump', db)).toBe(before);
  // storage.estimate() keeps reporting the real quota under the DevTools override, so only usage is checked here
  // (the levels are unit-tested in test/vault/storage-health.test.ts).
  const health = await value<{ usedBytes: number; persisted: boolean | null }>(page, 'health', db);
  expect(health.usedBytes).toBeGreaterThan(MiB);
  // Now over quota: below what is already used. Deleting must still work.
  await setQuota((await usage()) - 64 * 1024);
  const pruned = await value<{ removed: number[] }[]>(page, 'retention', db, { keepLast: 1 });
  expect(pruned[0]?.removed).toEqual([1]);
  expect(await value(page, 'seqs', db, card)).toEqual([2]);
  expect(await value(page, 'verify', db)).toEqual([]);
  const next = await big('diff', 8);
  expect(next).toMatchObject({ ok: true });
  expect(await value(page, 'verify', db)).toEqual([]);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: served.base });
  await context.close();
});

test('fuzzed export files are refused with a clear error and leave the vault unchanged', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await harness(context);
  const card = '7777000077770000';
  await value(page, 'backup', 'fuzz-src', card, 'full', 3, 16384);
  for (let i = 0; i < 4; i++) await value(page, 'backup', 'fuzz-src', card, 'diff', 3, 16384);
  await value(page, 'retention', 'fuzz-src', { keepLast: 3 });
  const file = Uint8Array.from(await value<number[]>(page, 'exportFile', 'fuzz-src'));
  // The target already holds part of the same chain, so "unchanged" means something.
  await value(page, 'importFile', 'fuzz-dst', Array.from(file));
  const before = await value<string>(page, 'dump', 'fuzz-dst');

  // The export file, version 2 (src/vault/export-packs.ts): preamble, JSON index, then
  // page maps and packs as stored, then the SHA-256 of everything before.
  const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const unhex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
  const seal = (body: Uint8Array) => new Uint8Array([...body, ...sha(body)]);
  const indexLen = new DataView(file.buffer).getUint32(12);
  const json = new TextDecoder().decode(file.subarray(16, 16 + indexLen));
  const body = file.subarray(16 + indexLen, file.length - 32);
  type Index = {
    cards: { certificate?: string }[];
    backups: { seq: number; header: string; headerHash: string; headerSignature?: string; wrappedKey: string }[];
    maps: { seq: number; bytes: number }[];
    packs: { seq: number; count: number; recordBytes: number; bytes: number; hash: string }[];
  };
  const withIndex = (j: string, lenField?: number, sections: Uint8Array = body) => {
    const bytes = new TextEncoder().encode(j);
    const head = file.slice(0, 16);
    new DataView(head.buffer).setUint32(12, lenField ?? bytes.length);
    return seal(new Uint8Array([...head, ...bytes, ...sections]));
  };
  const index = JSON.parse(json) as Index;
  const edit = (f: (i: Index, sections: Uint8Array) => void) => {
    const copy = JSON.parse(json) as Index;
    const sections = body.slice();
    f(copy, sections);
    return withIndex(JSON.stringify(copy), undefined, sections);
  };
  const mapsBytes = index.maps.reduce((n, m) => n + m.bytes, 0);
  /** Flip one bit of a header's hex, recompute its hash: a forger who knows the format. */
  const forgeHeader = (b: Index['backups'][number], at: number) => {
    const h = unhex(b.header);
    h[at] = (h[at] as number) ^ 1;
    b.header = hex(h);
    b.headerHash = hex(sha(h));
  };
  const cases: [string, Uint8Array][] = [];
  for (const n of [0, 7, 15, 16, 17, 16 + indexLen - 1, 16 + indexLen + 5, file.length - 33, file.length - 1]) cases.push([`truncated to ${n}`, file.subarray(0, n)]);
  for (let o = 0; o < file.length; o += Math.ceil(file.length / 40)) {
    const bad = file.slice();
    bad[o] = (bad[o] as number) ^ 0x10;
    cases.push([`byte ${o} flipped`, bad]);
  }
  // forged but self-consistent: every hash and the digest recomputed
  cases.push(['a page map\'s page pointed at another backup', edit((_i, b) => new DataView(b.buffer).setUint32(4 * 3, 9))]);
  cases.push(['a page map\'s kind code changed', edit((i, b) => {
      const at = ((i.maps[0]?.bytes ?? 0) / 5) * 4 + 1; // the second page's kind code in the first map
      b[at] = (b[at] as number) ^ 3;
    })]);
  cases.push(['an older header altered with its hash recomputed', edit((i) => forgeHeader(i.backups[0] as Index['backups'][number], 30))]);
  cases.push(['the newest header altered with its hash recomputed', edit((i) => forgeHeader(i.backups[i.backups.length - 1] as Index['backups'][number], 30))]);
  cases.push(['a header\'s page map hash forged with its hash recomputed', edit((i) => forgeHeader(i.backups[1] as Index['backups'][number], 80))]);
  // The forger's best: the newest point's page map pointed at an older copy of a page,
  // its kind code, the header's page map hash and the header's hash all made to agree.
  // Only the card's signature over the header can refuse it.
  cases.push([
    'a page map and its header forged together',
    edit((i, b) => {
      const newest = i.backups[i.backups.length - 1] as Index['backups'][number];
      const at = i.maps.slice(0, i.maps.findIndex((m) => m.seq === newest.seq)).reduce((n, m) => n + m.bytes, 0);
      const pages = (i.maps.find((m) => m.seq === newest.seq)?.bytes ?? 0) / 5;
      const seqs = new DataView(b.buffer, at, pages * 4);
      const p = Array.from({ length: pages }, (_, k) => k).find((k) => seqs.getUint32(k * 4) !== newest.seq && seqs.getUint32(k * 4) !== 1) ?? 0;
      seqs.setUint32(p * 4, 1); // seq 1, the full: it holds every page
      b[at + pages * 4 + p] = 1; // a full's kind code
      const h = unhex(newest.header);
      h.set(sha(b.subarray(at, at + pages * 4)), 78); // the header's pageMapHash
      newest.header = hex(h);
      newest.headerHash = hex(sha(h));
    }),
  ]);
  cases.push([
    'a header signature flipped',
    edit((i) => {
      const b = i.backups[1] as Index['backups'][number];
      b.headerSignature = (b.headerSignature?.[0] === '0' ? '1' : '0') + (b.headerSignature ?? '').slice(1);
    }),
  ]);
  cases.push(['signatures and certificate left out', edit((i) => (delete i.cards[0]?.certificate, i.backups.forEach((b) => delete b.headerSignature)))]);
  cases.push([
    'another card\'s certificate',
    edit((i) => {
      const c = i.cards[0] as { certificate: string };
      c.certificate = c.certificate.slice(0, 40) + (c.certificate[40] === '0' ? '1' : '0') + c.certificate.slice(41);
    }),
  ]);
  cases.push([
    'a wrapped key moved to another epoch',
    edit((i) => {
      const b = i.backups[0] as Index['backups'][number];
      b.wrappedKey = b.wrappedKey.slice(0, 20) + (b.wrappedKey[20] === '0' ? '1' : '0') + b.wrappedKey.slice(21);
    }),
  ]);
  // Well-formed (same card and epoch), only the sealed bytes changed: only the card's signature, which covers the wrapped key, tells.
  cases.push([
    "a wrapped key's sealed bytes altered",
    edit((i) => {
      const b = i.backups[0] as Index['backups'][number];
      b.wrappedKey = b.wrappedKey.slice(0, 120) + (b.wrappedKey[120] === '0' ? '1' : '0') + b.wrappedKey.slice(121);
    }),
  ]);
  cases.push([
    'a pack\'s page list changed with its hash recomputed',
    edit((i, b) => {
      new DataView(b.buffer).setUint32(mapsBytes, 1); // first page of the first pack: 0 -> 1, now twice
      const p = i.packs[0] as Index['packs'][number];
      p.hash = hex(sha(b.subarray(mapsBytes + p.count * 4, mapsBytes + p.bytes)));
    }),
  ]);
  cases.push(['a pack listed twice', edit((i) => i.packs.push(i.packs[0] as Index['packs'][number]))]);
  // size bombs
  cases.push(['index length 4 GiB', withIndex(json, 0xffff_fff0)]);
  cases.push(['a pack announced as 2 GiB', edit((i) => ((i.packs[0] as Index['packs'][number]).bytes = 2 ** 31))]);
  cases.push(['a pack of 2^31 records', edit((i) => Object.assign(i.packs[0] as object, { count: 2 ** 31, bytes: 2 ** 31 * (4 + (i.packs[0]?.recordBytes ?? 0)) }))]);
  cases.push(['50,000 announced packs', edit((i) => (i.packs = Array.from({ length: 50_000 }, () => i.packs[0] as Index['packs'][number])))]);
  // The forgeries, each refused for its own reason (the rest: any clear BAD_FILE).
  const signature = /the header's card signature does not verify: the header or the wrapped key is not the one the card made$/;
  const reasons: Record<string, RegExp> = {
    "a page map's page pointed at another backup": /page 3 names seq 9, outside 1\.\.3$/,
    "a page map's kind code changed": /names seq \d+ as another kind of backup than it is$/,
    'an older header altered with its hash recomputed': /chain broken: seq \d+'s prevHash does not match the header of seq \d+$/,
    'the newest header altered with its hash recomputed': signature,
    "a header's page map hash forged with its hash recomputed": /manifest's page map hashes to [0-9a-f]{8}…, the header says [0-9a-f]{8}…$/,
    'a page map and its header forged together': signature,
    'a header signature flipped': signature,
    'signatures and certificate left out': /the header is of protocol version 2, and the vault holds no certificate for card 7777000077770000 to check its signature against$/,
    "another card's certificate": signature,
    'a wrapped key moved to another epoch': /wrapped key is for card 7777000077770000 epoch 17, header for card 7777000077770000 epoch 1$/,
    "a wrapped key's sealed bytes altered": signature,
    "a pack's page list changed with its hash recomputed": /page list is out of order or outside 0\.\.63$/,
  };
  expect(Object.keys(reasons).filter((k) => !cases.some(([w]) => w === k))).toEqual([]);
  for (const [what, bytes] of cases) {
    const r = await call(page, 'importFile', 'fuzz-dst', Array.from(bytes));
    expect(r.ok, what).toBe(false);
    if (!r.ok) {
      expect(['BAD_FILE', 'CONFLICT'], `${what}: ${r.code} ${r.message}`).toContain(r.code);
      expect(r.message, what).toMatch(/^(not a usable vault export|import refused): .{10,}/);
      const why = reasons[what];
      if (why) expect(r.message, what).toMatch(why);
    }
  }
  expect(await value<string>(page, 'dump', 'fuzz-dst')).toBe(before);
  expect(await value(page, 'verify', 'fuzz-dst')).toEqual([]);
  await context.close();
});
