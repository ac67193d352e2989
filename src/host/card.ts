/** Card steps every flow shares: who is this card, where is its chain, the PIN. */
import { backupAbort, getBackupStatus, getIdentity, verifyPin, type BackupStatus, type IdentityInfo } from '../protocol/commands/index.ts';
import { HostError, toHostError } from './errors.ts';
import type { CardLink } from './link.ts';

export async function readIdentity(link: CardLink): Promise<IdentityInfo> {
  const id = await link.run(getIdentity.getApdu(), (r) => getIdentity.parseResponse(r));
  if (!id.initialised) throw new HostError('NOT_INITIALISED', 'this card is blank (not initialised by its issuer): there is nothing to back up or restore onto');
  return id;
}

/**
 * The card's backup status. A backup session left open in this power-on (a flow that
 * failed before its cleanup reached the card) is ended first: we hold the card's lock,
 * so no other flow owns it.
 */
export async function readStatus(link: CardLink): Promise<BackupStatus> {
  let s = await link.run(getBackupStatus.getApdu(), (r) => getBackupStatus.parseResponse(r));
  if (s.backupInProgress) {
    await link.run(backupAbort.getApdu(), (r) => backupAbort.parseResponse(r));
    s = await link.run(getBackupStatus.getApdu(), (r) => getBackupStatus.parseResponse(r));
  }
  return s;
}

/** VERIFY: 63Cx and 6983 become WRONG_PIN (with tries left) and PIN_BLOCKED. */
export async function presentPin(link: CardLink, pin: string): Promise<void> {
  let apdu;
  try {
    apdu = verifyPin.getApdu(pin);
  } catch (e) {
    // A malformed PIN never goes to the card: it would spend a try for nothing.
    throw new HostError('WRONG_PIN', `the PIN must be 4 to 12 digits (${e instanceof Error ? e.message : String(e)}); no try was spent`, { cause: e });
  }
  try {
    await link.run(apdu, (r) => verifyPin.parseResponse(r));
  } catch (e) {
    throw toHostError(e, 'VERIFY PIN');
  }
}
