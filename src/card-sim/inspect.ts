/** A read-only view of the card for tests and the UI's memory map. Secrets are zeroed. */
import { hex } from '../protocol/bytes.ts';
import type { LoadHistory } from '../protocol/commands/get-data-codecs.ts';
import { redactSecrets } from './identity.ts';
import type { CardOs } from './os.ts';
import type { MemoryPoint } from './store.ts';

export interface Area {
  offset: number;
  size: number;
}

export interface ApTableView {
  aid: string;
  name: string;
  offset: number;
  size: number;
  holdsValue: boolean;
  restoreExecuted: boolean;
}

export interface CardView {
  initialised: boolean;
  cardNumber: string;
  issuer: number;
  epoch: number;
  /** Copy of the memory (what backups carry), keys and PIN zeroed. */
  memory: Uint8Array;
  memorySize: number;
  pageSize: number;
  pageCount: number;
  systemArea: Area;
  /** Leading part of the system area a restore never writes. */
  identityBlock: Area;
  apTableArea: Area;
  apArea: Area;
  changedPages: number[];
  /** seq of the newest backed-up copy of each page. */
  pageVersions: number[];
  apTable: ApTableView[];
  backupCounter: number;
  chainHead: string;
  /** Diff base for this card's next backup; 0 = next backup must be full. */
  currentPoint: number;
  /** The point the memory equals (may be another card's after a cross-card restore). */
  point: MemoryPoint;
  pinTriesLeft: number;
  /** Tries left of the PUK (RESET RETRY COUNTER); 0 also when the card holds no PUK. */
  pukTriesLeft: number;
  pinVerified: boolean;
  restorePending: boolean;
  backupInProgress: boolean;
  restoreInProgress: boolean;
  selectedAid: string | undefined;
  loadHistory: LoadHistory;
  /** The oldest epoch whose backups the card still accepts (docs/trust.md "Epochs"). */
  minEpoch: number;
  /** The restore-authorisation counter: the next authorisation must name it + 1. */
  authorisationCounter: number;
  /** Byte writes so far: the index space of an injected power cut. */
  writeCount: number;
}

export function inspectCard(os: CardOs): CardView {
  const s = os.store;
  const l = os.layout;
  const id = s.identity();
  const table = s.apTable();
  const sel = os.session.selected;
  return {
    initialised: id.initialised,
    cardNumber: id.cardNumber,
    issuer: id.issuer,
    epoch: id.epoch,
    memory: redactSecrets(s.read(0, l.memorySize), 0),
    memorySize: l.memorySize,
    pageSize: l.pageSize,
    pageCount: l.pageCount,
    systemArea: { offset: 0, size: l.systemAreaSize },
    identityBlock: { offset: 0, size: l.identitySize },
    apTableArea: { offset: l.apTableOffset, size: l.apTableSize },
    apArea: { offset: l.systemAreaSize, size: l.apAreaSize },
    changedPages: s.changedPages(),
    pageVersions: [...s.pageVersions()],
    apTable: table.map((a, i) => ({
      aid: hex(a.aid),
      name: os.apps.get(hex(a.aid))?.name ?? '',
      offset: a.offset,
      size: a.size,
      holdsValue: a.holdsValue,
      restoreExecuted: s.restoreFlag(i),
    })),
    backupCounter: s.counter,
    chainHead: hex(s.chainHead),
    currentPoint: s.currentPoint(id.cardNumber),
    point: s.point,
    pinTriesLeft: s.pinTries,
    pukTriesLeft: id.pukTries,
    pinVerified: os.session.pinVerified,
    restorePending: s.restorePending,
    backupInProgress: os.session.backup !== undefined,
    restoreInProgress: os.session.restore !== undefined,
    selectedAid: sel === undefined ? undefined : hex(table[sel]?.aid ?? new Uint8Array(0)),
    loadHistory: s.loadHistory(),
    minEpoch: id.minEpoch,
    authorisationCounter: s.authorisationCounter,
    writeCount: os.eeprom.writeCount,
  };
}
