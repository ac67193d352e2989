/**
 * INITIALISE (figs. 12-13, 100/106): on a blank card only. The card makes its unique
 * key from its own random source (120), takes the common key and epoch (121), does
 * its normal initialisation (122: identity, AP table, each application's install),
 * and clears the changed-memory table last (123). All of it is one atomic group.
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { ZERO_HASH } from '../../protocol/backup-format.ts';
import { decodeInitialise } from '../../protocol/commands/initialise.ts';
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

export function initialise(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (os.store.identity().initialised) refuse(SW.CONDITIONS_NOT_SATISFIED, 'already initialised');
  const p = decodeInitialise(c.data);
  if (!p.ok) refuse(SW.WRONG_DATA, p.error.message);
  const apps = [...os.apps.values()];
  const slots = planApSlots(os.layout, apps);
  if (!slots) refuse(SW.NOT_ENOUGH_MEMORY, 'applications do not fit');
  const uniqueKey = os.random(32);
  const s = os.store;
  os.eeprom.atomic(() => {
    s.writeIdentity({
      initialised: true,
      cardNumber: p.value.cardNumber,
      issuer: p.value.issuer,
      epoch: p.value.epoch,
      commonKey: p.value.commonKey,
      uniqueKey,
      issuerPublicKey: p.value.issuerPublicKey,
      pin: new TextEncoder().encode(p.value.pin),
      adopted: undefined,
      puk: new TextEncoder().encode(p.value.puk ?? ''),
      pukTries: p.value.puk === undefined ? 0 : PUK_TRIES,
    });
    s.writeApTable(slots);
    slots.forEach((slot, i) => apps[i]?.install(appContext(os, i, slot), os.appSeed));
    s.counter = 0;
    s.chainHead = ZERO_HASH;
    s.point = { card: p.value.cardNumber, seq: 0 };
    s.pinTries = PIN_TRIES;
    s.restorePending = false;
    for (let i = 0; i < MAX_APPS; i++) s.setRestoreFlag(i, false);
    s.setPageVersions(new Uint32Array(os.layout.pageCount));
    s.clearChanged();
  });
  return reply();
}
