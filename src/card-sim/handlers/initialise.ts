/**
 * INITIALISE (figs. 12-13, 100/106), version 2: on a blank card only, and only with the
 * issuer's personalisation. The card made its unique key and key pairs at manufacture
 * (120); it checks the epoch certificate against its root, its own certificate against
 * the epoch key and that it certifies ITS keys, the epoch key's signature over the whole,
 * and opens its PIN and PUK (121). Then its normal initialisation (122: identity, AP
 * table, each application's install) and the changed-memory table cleared last (123),
 * all one atomic group. A self-signed personalisation is refused with 6982.
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { ZERO_HASH } from '../../protocol/backup-format.ts';
import { encodeCardCertificate, encodeEpochCertificate } from '../../protocol/trust/certificates.ts';
import { checkPersonalisation, decodePersonalisation, openCardSecrets, type PersonalisationCheck } from '../../protocol/trust/personalisation.ts';
import { cardPublicKeys } from '../card-keys.ts';
import { PIN_TRIES, PUK_TRIES } from '../../protocol/commands/pin.ts';
import { SW } from '../../protocol/status-words.ts';
import type { CardApplication } from '../app-api.ts';
import type { ApSlot } from '../ap-table.ts';
import { MAX_APPS, type Layout } from '../layout.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';
import { appContext } from './app.ts';

/** Page-aligned areas for the applications in the AP area (fig. 11, 085), or undefined if they do not fit. */
export function planApSlots(layout: Layout, apps: readonly CardApplication[]): ApSlot[] | undefined {
  if (apps.length > MAX_APPS) return undefined;
  const slots: ApSlot[] = [];
  let offset = layout.systemAreaSize;
  for (const a of apps) {
    if (a.aid.length < 5 || a.aid.length > 16 || !Number.isInteger(a.areaSize) || a.areaSize < 0) return undefined;
    const size = Math.ceil(a.areaSize / layout.pageSize) * layout.pageSize;
    slots.push({ aid: a.aid, offset, size, holdsValue: a.holdsValue });
    offset += size;
  }
  return offset <= layout.memorySize ? slots : undefined;
}

/** Why a personalisation is refused, as the card answers it. */
const REFUSAL: Record<Exclude<PersonalisationCheck, 'ok'>, [number, string]> = {
  'epoch-certificate': [SW.SECURITY_NOT_SATISFIED, "epoch certificate not signed by this card's root"],
  'card-certificate': [SW.SECURITY_NOT_SATISFIED, 'card certificate not signed by the epoch key'],
  signature: [SW.SECURITY_NOT_SATISFIED, 'personalisation not signed by the epoch key'],
  'not-this-card': [SW.REFERENCE_NOT_FOUND, "the certificate names another card's keys"],
};

export function initialise(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  const id = os.manufactured();
  if (id.initialised) refuse(SW.CONDITIONS_NOT_SATISFIED, 'already initialised');
  const p = decodePersonalisation(c.data);
  if (!p.ok) refuse(SW.WRONG_DATA, p.error.message);
  const check = checkPersonalisation(id.rootPublicKey, p.value, cardPublicKeys(id));
  if (check !== 'ok') refuse(...REFUSAL[check]);
  const secrets = openCardSecrets(id.kemSecretKey, p.value);
  if (!secrets) refuse(SW.WRONG_DATA, 'PIN and PUK do not open');
  const cert = p.value.cardCertificate;
  const apps = [...os.apps.values()];
  const slots = planApSlots(os.layout, apps);
  if (!slots) refuse(SW.NOT_ENOUGH_MEMORY, 'applications do not fit');
  const s = os.store;
  const te = new TextEncoder();
  os.eeprom.atomic(() => {
    s.writeIdentity({
      ...id,
      initialised: true,
      cardNumber: cert.cardNumber,
      issuer: cert.issuer,
      epoch: cert.epoch,
      minEpoch: p.value.epochCertificate.minEpoch,
      pin: te.encode(secrets.pin),
      puk: te.encode(secrets.puk),
      pukTries: PUK_TRIES,
      cardCertificate: encodeCardCertificate(cert),
      epochCertificate: encodeEpochCertificate(p.value.epochCertificate),
    });
    s.writeApTable(slots);
    slots.forEach((slot, i) => apps[i]?.install(appContext(os, i, slot), os.appSeed));
    s.counter = 0;
    s.chainHead = ZERO_HASH;
    s.point = { card: cert.cardNumber, seq: 0 };
    s.pinTries = PIN_TRIES;
    s.restorePending = false;
    s.authorisationCounter = 0;
    for (let i = 0; i < MAX_APPS; i++) s.setRestoreFlag(i, false);
    s.setPageVersions(new Uint32Array(os.layout.pageCount));
    s.clearChanged();
  });
  return reply();
}
