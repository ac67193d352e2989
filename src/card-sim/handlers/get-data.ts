/** GET DATA 80 CA 01 xx: the card's public state (codecs in protocol/commands/get-data-codecs.ts). */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { hex, u32be } from '../../protocol/bytes.ts';
import {
  DATA_OBJECT,
  encodeApTableInfo,
  encodeBackupStatus,
  encodeCardPublicKeys,
  encodeChangedPages,
  encodeIdentityInfo,
  encodeLoadHistory,
  encodeMemoryLayout,
  encodePinStatus,
} from '../../protocol/commands/get-data-codecs.ts';
import { PIN_TRIES } from '../../protocol/commands/pin.ts';
import { SW } from '../../protocol/status-words.ts';
import { cardPublicKeys } from '../card-keys.ts';
import type { CardOs } from '../os.ts';
import { processAppCommand } from './app.ts';
import { refuse, reply, type Reply } from '../session.ts';

export function getData(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0x01) {
    // GET DATA with other P1P2 belongs to the selected application (docs/protocol.md).
    if (os.session.selected !== undefined) return processAppCommand(os, c);
    refuse(SW.INCORRECT_P1P2);
  }
  if (c.data.length !== 0) refuse(SW.WRONG_LENGTH);
  return reply(dataObject(os, (c.p1 << 8) | c.p2));
}

export function dataObject(os: CardOs, tag: number): Uint8Array {
  const s = os.store;
  const id = s.identity();
  const l = os.layout;
  switch (tag) {
    case DATA_OBJECT.IDENTITY:
      return encodeIdentityInfo({ initialised: id.initialised, cardNumber: id.cardNumber, issuer: id.issuer, epoch: id.epoch });
    case DATA_OBJECT.MEMORY_LAYOUT:
      return encodeMemoryLayout({
        memorySize: l.memorySize,
        pageSize: l.pageSize,
        systemAreaSize: l.systemAreaSize,
        identitySize: l.identitySize,
        apAreaSize: l.apAreaSize,
        extendedLength: os.link.extendedLength,
        maxCommandData: os.maxCommandData,
        maxResponseData: os.maxResponseData,
        responseBufferSize: os.link.responseBufferSize,
      });
    case DATA_OBJECT.AP_TABLE:
      return encodeApTableInfo(s.apTable().map((a, i) => ({ ...a, restoreExecuted: s.restoreFlag(i) })));
    case DATA_OBJECT.BACKUP_STATUS:
      return encodeBackupStatus({
        counter: s.counter,
        chainHead: s.chainHead,
        currentPoint: s.currentPoint(id.cardNumber),
        backupInProgress: os.session.backup !== undefined,
        restorePending: s.restorePending,
        changedPages: s.changedPages().length,
        pageCount: l.pageCount,
      });
    case DATA_OBJECT.LOAD_HISTORY:
      return encodeLoadHistory(s.loadHistory());
    case DATA_OBJECT.PIN_STATUS:
      return encodePinStatus({ triesLeft: id.initialised ? s.pinTries : 0, maxTries: PIN_TRIES, verified: os.session.pinVerified });
    case DATA_OBJECT.CHANGED_PAGES:
      return encodeChangedPages(s.changedPages(), l.pageCount);
    case DATA_OBJECT.CARD_KEYS:
      // A blank card answers its public keys: the issuer certifies them at personalisation.
      return encodeCardPublicKeys(cardPublicKeys(os.manufactured()));
    case DATA_OBJECT.CARD_CERTIFICATE:
      return os.initialised().cardCertificate;
    case DATA_OBJECT.EPOCH_CERTIFICATE:
      return os.initialised().epochCertificate;
    case DATA_OBJECT.AUTHORISATION_COUNTER:
      os.initialised();
      return u32be(s.authorisationCounter);
    default:
      return refuse(SW.REFERENCE_NOT_FOUND, `no data object ${hex(Uint8Array.of(tag >> 8, tag & 0xff))}`);
  }
}
