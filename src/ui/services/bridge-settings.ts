/**
 * What the app remembers about the cardholder's PC/SC bridge (docs/bridge.md): the port
 * it was started on (`icvault-bridge --port N`) and the pairing token its welcome gave,
 * so the 6-digit code is typed only once per origin. Both forgettable: forgetting the
 * token here is the app's half of revoking a pairing (the bridge's half is
 * `icvault-bridge forget <origin>`). Kept in a Storage (localStorage in the app, a Map in tests).
 */
import { bridgeUrlForPort, DEFAULT_BRIDGE_URL } from '../../reader/bridge-transport.ts';

/** The parts of the Web Storage interface used here. */
export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The port the bridge listens on unless started with --port. */
export const BRIDGE_DEFAULT_PORT = Number(new URL(DEFAULT_BRIDGE_URL).port);

const PORT_KEY = 'icvault.bridge.port';
const TOKEN_KEY = 'icvault.bridge.pairingToken';

export class BridgeSettings {
  constructor(private readonly storage: SettingsStorage) {}

  /** The port the cardholder chose, or undefined (the bridge's default). A stored value that is not a port is ignored. */
  port(): number | undefined {
    const raw = this.storage.getItem(PORT_KEY);
    if (raw === null || !/^\d{1,5}$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= 1 && n <= 65535 ? n : undefined;
  }

  /** Remembers `port` (undefined: back to the default). Throws RangeError naming a bad port; nothing is stored then. */
  setPort(port: number | undefined): void {
    if (port === undefined) return this.storage.removeItem(PORT_KEY);
    bridgeUrlForPort(port); // validates, with the message the form shows
    this.storage.setItem(PORT_KEY, String(port));
  }

  /** The bridge's WebSocket URL for the remembered port. */
  url(): string {
    const p = this.port();
    return p === undefined ? DEFAULT_BRIDGE_URL : bridgeUrlForPort(p);
  }

  pairingToken(): string | undefined {
    return this.storage.getItem(TOKEN_KEY) ?? undefined;
  }

  rememberPairing(token: string): void {
    this.storage.setItem(TOKEN_KEY, token);
  }

  /** Forget the pairing: the next connection asks for the code again. */
  forgetPairing(): void {
    this.storage.removeItem(TOKEN_KEY);
  }
}

/** The settings in this browser's localStorage; where there is none (tests, workers), kept for this page only. */
export function appBridgeSettings(): BridgeSettings {
  const ls = (globalThis as { localStorage?: SettingsStorage }).localStorage;
  return new BridgeSettings(ls ?? pageOnly);
}
const pageMap = new Map<string, string>();
const pageOnly: SettingsStorage = { getItem: (k) => pageMap.get(k) ?? null, setItem: (k, v) => void pageMap.set(k, v), removeItem: (k) => void pageMap.delete(k) };
