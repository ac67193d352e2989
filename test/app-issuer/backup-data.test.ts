import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { backupData, commitRemoteBackup } from '../../src/host/issuer-backup-data.ts';
import { HostError } from '../../src/host/errors.ts';
import { openVault } from '../../src/vault/index.ts';
import { randomBytes } from '@noble/hashes/utils.js';
import { encodeHeader, encodeSegment, headerHash, pageMapHash, ZERO_HASH } from '../../src/protocol/backup-format.ts';
import { PAGE, PAGES } from '../issuer/support/backups.ts';
import { TestCard, testAuthority } from '../issuer/support/test-authority.ts';

// The issuer keeps backup data v2 exactly as the card made it. A copy fetched from the
// issuer goes into an empty vault (checked as if the card had sent it), and the vault
// gives the same bytes back for upload: the round trip loses and adds nothing.

const authority = testAuthority();
const card = new TestCard(authority, '4000000000000042');

/** A version-2 chain the vault accepts: the header's page map names the seq of each page's newest copy,
 *  header version byte 2 (docs/trust.md), signed by the card. Sealed bytes random (never opened here). */
function chain(n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev: Uint8Array = ZERO_HASH;
  const seqOfPage = new Array<number>(PAGES).fill(0);
  for (let seq = 1; seq <= n; seq++) {
    const kind = seq === 1 ? 'full' : 'diff';
    const pages = kind === 'full' ? Array.from({ length: PAGES }, (_, i) => i) : [seq % PAGES, (seq * 3) % PAGES];
    for (const p of pages) seqOfPage[p] = seq;
    const records = pages.map((page) => ({ page, sealed: randomBytes(PAGE + 16) }));
    const header = encodeHeader({
      issuer: authority.issuerId,
      epoch: 1,
      cardNumber: card.cardNumber,
      kind,
      seq,
      baseSeq: kind === 'full' ? 0 : seq - 1,
      date: 1_700_000_000_000 + seq,
      prevHash: prev,
      memorySize: PAGE * PAGES,
      pageSize: PAGE,
      recordCount: pages.length,
      pageMapHash: pageMapHash(seqOfPage),
      tag: randomBytes(16),
    });
    header[4] = 2;
    out.push(card.frame(header, encodeSegment({ seq, kind, records })));
    prev = headerHash(header);
  }
  return out;
}

describe('backup data between the vault and the issuer', () => {
  it('a fetched chain is stored confirmed and comes back byte for byte', async () => {
    const vault = await openVault({ factory: new IDBFactory(), name: 'fill' });
    const bodies = chain(3);
    for (const b of bodies) await commitRemoteBackup(vault, b, card.certificate);
    const rows = await vault.timeline(card.cardNumber);
    expect(rows.map((r) => [r.seq, r.confirmed, r.chain])).toEqual([
      [3, true, 'linked'],
      [2, true, 'linked'],
      [1, true, 'first'],
    ]);
    for (let seq = 1; seq <= 3; seq++) expect(await backupData(vault, card.cardNumber, seq)).toEqual(bodies[seq - 1]);
    vault.close();
  });

  it('refuses a forged copy, a truncated one, and a card it did not certify, storing nothing', async () => {
    const vault = await openVault({ factory: new IDBFactory(), name: 'forged' });
    const [b1] = chain(1) as [Uint8Array];
    const forged = b1.slice();
    forged[99 + 126 + 3] = (forged[99 + 126 + 3] ?? 0) ^ 1; // one bit of the card’s header signature
    await expect(commitRemoteBackup(vault, forged, card.certificate)).rejects.toThrow(HostError);
    await expect(commitRemoteBackup(vault, b1.slice(0, 200), card.certificate)).rejects.toThrow(/does not parse/);
    const other = new TestCard(authority, card.cardNumber);
    await expect(commitRemoteBackup(vault, b1, other.certificate)).rejects.toThrow(/was not stored/);
    expect(await vault.timeline(card.cardNumber)).toEqual([]);
    await expect(backupData(vault, card.cardNumber, 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    vault.close();
  });
});
