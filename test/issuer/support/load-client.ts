// The issuer bench's load generator (bench/entries/issuer.ts), a child process of its own
// so the clients' HTTP work is not counted against the service (the raw INSERT reference
// has no HTTP client either). The same seeded issuer as the service, so its cards are
// certified by it; each card's uploads form a chain, so one worker per card uploads in
// order. Signing and framing happen before timing.
import { Agent, request } from 'node:http';
import { fromHex, hex } from '../../../src/protocol/bytes.ts';
import { TestCard, testAuthority } from './test-authority.ts';
import { makeBackup } from './backups.ts';

export interface LoadCell {
  clients: number;
  kind: 'full' | 'diff';
  /** Uploads per cell (split over the clients). */
  uploads: number;
  pageSize: number;
  pageCount: number;
  diffPages: number;
}

export interface LoadResult {
  uploads: number;
  seconds: number;
  latencies: number[];
  /** One timed upload's bytes (the raw reference inserts the same bytes). */
  sample: Uint8Array;
  /** CPU milliseconds this load generator spent in the timed part. */
  clientCpuMs: number;
}

interface ClientCard {
  card: TestCard;
  token: string;
  seq: number;
  head: Uint8Array | undefined;
}

const [url, seedHex, firstSerial] = process.argv.slice(2);
if (!url || !seedHex || !firstSerial) throw new Error('usage: load-client <issuer url> <seed hex> <first card serial>');
const authority = testAuthority(fromHex(seedHex));
let serial = Number(firstSerial);
const byClients = new Map<number, ClientCard[]>();

async function login(card: TestCard): Promise<string> {
  const ch = (await (await fetch(`${url}/v1/auth/challenge`, { method: 'POST' })).json()) as { challenge: string };
  const r = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ certificate: hex(card.certificate), challenge: ch.challenge, signature: hex(card.signChallenge(fromHex(ch.challenge))) }),
  });
  if (r.status !== 200) throw new Error(`bench login refused: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

// Uploads over node:http with keep-alive (one connection per client, like a browser's):
// fetch costs this process about 0.6 ms of CPU per request, node:http a fraction, and on
// the bench's two cores the client's CPU is taken from the service and the database.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const { hostname, port } = new URL(url);

function upload(c: ClientCard, body: Uint8Array, retried = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        hostname,
        port,
        method: 'POST',
        path: `/v1/cards/${c.card.cardNumber}/backups`,
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/octet-stream', 'content-length': body.length },
      },
      (res) => {
        const chunks: Uint8Array[] = [];
        res.on('data', (d: Uint8Array) => chunks.push(d));
        res.on('end', () => {
          if (res.statusCode === 201 || (retried && res.statusCode === 200)) resolve();
          else reject(new Error(`bench upload refused: ${res.statusCode} ${new TextDecoder().decode(Uint8Array.from(chunks.flatMap((x) => [...x])))}`));
        });
        res.on('error', reject);
      },
    );
    // A kept-alive socket the server closed while idle: retry once on a fresh one (an
    // upload is idempotent by content; Node's documented pattern, req.reusedSocket).
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && e.code === 'ECONNRESET' && !retried) upload(c, body, true).then(resolve, reject);
      else reject(e);
    });
    req.end(body);
  });
}

/** Logs the cell's cards in, signs and frames its backups and uploads a diff's base
 *  (all untimed); `timed` then sends the rest. Two steps, so the service's CPU per upload
 *  is read over the timed uploads only. */
async function prepare(m: LoadCell): Promise<{ cards: ClientCard[]; prepared: { body: Uint8Array; untimed: boolean }[][] }> {
  let cards = byClients.get(m.clients);
  if (!cards) {
    // One card per client, each logged in once (untimed).
    cards = await Promise.all(
      Array.from({ length: m.clients }, async () => {
        const card = new TestCard(authority, `6${String(++serial).padStart(15, '0')}`);
        return { card, token: await login(card), seq: 0, head: undefined };
      }),
    );
    byClients.set(m.clients, cards);
  }
  const perCard = Math.max(1, Math.ceil(m.uploads / m.clients));
  const prepared = cards.map((c) => {
    const list: { body: Uint8Array; untimed: boolean }[] = [];
    // A diff needs a full to build on: a card without a chain gets one, untimed.
    for (let i = 0; i < perCard + (m.kind === 'diff' && c.seq === 0 ? 1 : 0); i++) {
      const isFull = m.kind === 'full' || c.seq === 0;
      const b = makeBackup({
        issuer: authority.issuerId,
        cardNumber: c.card.cardNumber,
        seq: c.seq + 1,
        ...(c.head ? { prev: c.head } : {}),
        kind: isFull ? 'full' : 'diff',
        ...(isFull ? {} : { baseSeq: c.seq, pages: Array.from({ length: m.diffPages }, (_, p) => p * 19) }),
        pageSize: m.pageSize,
        pageCount: m.pageCount,
      });
      c.seq++;
      c.head = b.hash;
      list.push({ body: c.card.frame(b.header, b.records), untimed: m.kind === 'diff' && isFull });
    }
    return list;
  });
  for (const [i, list] of prepared.entries()) {
    const c = cards[i];
    while (c && list[0]?.untimed) {
      const u = list.shift();
      if (u) await upload(c, u.body);
    }
  }
  return { cards, prepared };
}

async function timed({ cards, prepared }: Awaited<ReturnType<typeof prepare>>): Promise<LoadResult> {
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    prepared.map(async (list, i) => {
      const c = cards[i];
      if (!c) return;
      for (const u of list) {
        const s = performance.now();
        await upload(c, u.body);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { uploads: latencies.length, seconds, latencies, sample: prepared[0]?.[0]?.body ?? new Uint8Array(0), clientCpuMs: (cpu.user + cpu.system) / 1000 };
}

// Messages: a LoadCell prepares that cell (answered { ok, prepared }); { go: true } runs
// the prepared cell (answered { ok, result }).
let ready: Awaited<ReturnType<typeof prepare>> | undefined;
process.on('message', (m: LoadCell | { go: true }) => {
  const step =
    'go' in m
      ? (async () => {
          if (!ready) throw new Error('load client: nothing prepared');
          const r = await timed(ready);
          ready = undefined;
          return { result: r };
        })()
      : prepare(m).then((p) => {
          ready = p;
          return { prepared: true };
        });
  step.then(
    (r) => process.send?.({ ok: true, ...r }),
    (e: unknown) => process.send?.({ ok: false, error: (e as Error).message }),
  );
});
process.send?.({ ready: true });
