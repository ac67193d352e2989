/**
 * What the host tests share: a simulated card with a test application whose area
 * covers most of the AP area (so "change random pages" reaches nearly all memory), a
 * direct transport, a private fake-indexeddb vault, and the test issuer's authority.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { SimCard } from '../../src/card-sim/index.ts';
import { createTestCard, testRestoreAuthority } from '../support/card.ts';
import { command, decodeResponse, encodeCommand } from '../../src/protocol/apdu.ts';
import { select } from '../../src/protocol/commands/select.ts';
import { fromHex } from '../../src/protocol/bytes.ts';
import { openVault, type Vault } from '../../src/vault/index.ts';
import type { RestoreAuthority } from '../../src/host/index.ts';
import { SCRATCH_AID, INS_SCRATCH_WRITE, scratchApp } from './scratch-app.ts';
import { DirectTransport } from './direct-transport.ts';

export const PIN = '1234';
export const CARD_A = '4900000000000001';
export const CARD_B = '4900000000000002';
/** The test application's area: 40 KiB of a 64 KiB card. */
export const AREA = 40 * 1024;

export function makeCard(cardNumber = CARD_A, o: { extendedLength?: boolean; memorySize?: number; seed?: string; area?: number } = {}): SimCard {
  return createTestCard({
    cardNumber,
    seed: o.seed ?? `host test ${cardNumber}`,
    apps: [scratchApp(o.area ?? AREA)],
    ...(o.extendedLength === undefined ? {} : { extendedLength: o.extendedLength }),
    ...(o.memorySize === undefined ? {} : { memorySize: o.memorySize }),
  });
}

export function vaultFactory(): { factory: IDBFactory; open(): Promise<Vault> } {
  const factory = new IDBFactory();
  return { factory, open: () => openVault({ factory, name: 'host-test' }) };
}

const ok = (r: Uint8Array, what: string) => {
  const d = decodeResponse(r);
  if (!d.ok || d.value.sw !== 0x9000) throw new Error(`${what} failed: ${d.ok ? d.value.sw.toString(16) : d.error.message}`);
};

/** Change memory the way an application does: SELECT the test app, write through its command. */
export function poke(card: SimCard, offset: number, bytes: Uint8Array): void {
  ok(card.transmit(encodeCommand(select.getApdu(fromHex(SCRATCH_AID)))), 'SELECT');
  for (let o = 0; o < bytes.length; o += 253) {
    const at = offset + o;
    const data = new Uint8Array([at >>> 8, at & 0xff, ...bytes.subarray(o, o + 253)]);
    ok(card.transmit(encodeCommand(command(0x80, INS_SCRATCH_WRITE, 0, 0, data))), 'write');
  }
}

/** A small deterministic PRNG (mulberry32): the same "random" changes on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Change `n` random pages of the test application's area (one byte run each). */
export function changeRandomPages(card: SimCard, next: () => number, n: number): void {
  const v = card.inspect();
  const pageSize = v.pageSize;
  const pages = Math.floor((v.apTable.find((a) => a.name === 'scratch')?.size ?? AREA) / pageSize);
  for (let i = 0; i < n; i++) {
    const page = Math.floor(next() * pages);
    const len = 1 + Math.floor(next() * 32);
    const at = page * pageSize + Math.floor(next() * (pageSize - len));
    poke(card, at, Uint8Array.from({ length: len }, () => Math.floor(next() * 256)));
  }
}

/** Memory a restore brings back: everything after the card's own identity block. */
export function restorable(card: SimCard): Uint8Array {
  const v = card.inspect();
  return v.memory.slice(v.identityBlock.size);
}

/** The test issuer authorises a restore onto another card, as an issuer's service would. */
export const demoAuthority: RestoreAuthority = testRestoreAuthority();

export const direct = (card: SimCard, o: { extendedLength?: boolean } = {}) => new DirectTransport(card, o);

/** Every row of every store, for "the vault is unchanged" checks (the vault tests' own). */
export { dump } from '../vault/setup.ts';

/** The stored chain is whole: seqs rise, each backup names the previous one's header. */
export async function expectChainIntact(v: Vault, card: string): Promise<number[]> {
  const rows = (await v.timeline(card)).reverse();
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    if (prev && (r.seq <= prev.seq || r.prevHash !== prev.headerHash)) throw new Error(`chain broken at seq ${r.seq}`);
  });
  const findings = await v.verify({ card });
  if (findings.length > 0) throw new Error(`verify: ${findings.map((f) => f.message).join('; ')}`);
  return rows.map((r) => r.seq);
}
