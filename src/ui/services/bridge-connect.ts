/**
 * Connecting to the PC/SC bridge with what the app remembers (bridge-settings.ts): its
 * port, and the pairing token the bridge gave when this page first paired by code. With
 * a kept token the cardholder reconnects without typing the code again (no code is sent
 * then, so a refused token never counts as a wrong code in the bridge). When the bridge
 * no longer knows the token (revoked with `icvault-bridge forget`, or its config gone),
 * the app forgets it too and the form asks for the code (docs/bridge.md).
 */
import { BridgeError, type BridgeOptions } from '../../reader/bridge-transport.ts';
import { openBridgeSource, type BridgeSource } from '../../reader/session-sources.ts';
import type { BridgeSettings } from './bridge-settings.ts';

/** `pairingCode` '' : reconnect with the kept token alone. `extra`: the socket for tests. */
export async function openKeptBridge(settings: BridgeSettings, pairingCode: string, extra: Pick<BridgeOptions, 'createSocket'> = {}): Promise<BridgeSource> {
  const token = settings.pairingToken();
  const codeless = pairingCode === '';
  // Neither a code nor a token: nothing to pair with (the bridge would refuse the hello as malformed).
  if (codeless && token === undefined) throw new BridgeError('ACCESS_DENIED', 'PAIRING_REQUIRED', 'no pairing kept: type the code the bridge printed');
  try {
    const source = await openBridgeSource({ ...extra, ...(codeless ? {} : { pairingCode }), ...(token !== undefined ? { pairingToken: token } : {}) }, settings.url());
    if (source.pairingToken !== undefined) settings.rememberPairing(source.pairingToken);
    return source;
  } catch (e) {
    if (codeless && e instanceof BridgeError && (e.bridgeCode === 'BAD_PAIRING' || e.bridgeCode === 'PAIRING_REQUIRED')) settings.forgetPairing();
    throw e;
  }
}
