/** The app's bridge settings: the chosen port (remembered, validated) and the remembered pairing (forgettable). */
import { describe, expect, it } from 'vitest';
import { BridgeSettings, type SettingsStorage } from '../../src/ui/services/bridge-settings.ts';
import { DEFAULT_BRIDGE_URL } from '../../src/reader/bridge-transport.ts';

function memory(): SettingsStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('BridgeSettings', () => {
  it('uses the default URL until a port is chosen, then remembers that port across instances', () => {
    const s = memory();
    expect(new BridgeSettings(s).url()).toBe(DEFAULT_BRIDGE_URL);
    new BridgeSettings(s).setPort(40123);
    expect(new BridgeSettings(s).port()).toBe(40123);
    expect(new BridgeSettings(s).url()).toBe('ws://127.0.0.1:40123/');
    new BridgeSettings(s).setPort(undefined);
    expect(new BridgeSettings(s).url()).toBe(DEFAULT_BRIDGE_URL);
  });

  it('refuses a port out of range, naming it, and keeps the port it had', () => {
    const b = new BridgeSettings(memory());
    b.setPort(40123);
    expect(() => b.setPort(70000)).toThrow(/bridge port must be a whole number from 1 to 65535, not 70000/);
    expect(() => b.setPort(0)).toThrow(RangeError);
    expect(b.port()).toBe(40123);
  });

  it('ignores a stored port that is not a port', () => {
    const s = memory();
    s.map.set('icvault.bridge.port', 'abc');
    expect(new BridgeSettings(s).url()).toBe(DEFAULT_BRIDGE_URL);
  });

  it('remembers the pairing token and forgets it when asked', () => {
    const s = memory();
    expect(new BridgeSettings(s).pairingToken()).toBeUndefined();
    new BridgeSettings(s).rememberPairing('tok-1');
    expect(new BridgeSettings(s).pairingToken()).toBe('tok-1');
    new BridgeSettings(s).forgetPairing();
    expect(new BridgeSettings(s).pairingToken()).toBeUndefined();
  });
});

describe('appBridgeSettings', () => {
  it('without localStorage keeps the settings for this page (one store across calls)', async () => {
    const { appBridgeSettings } = await import('../../src/ui/services/bridge-settings.ts');
    appBridgeSettings().setPort(40999);
    expect(appBridgeSettings().url()).toBe('ws://127.0.0.1:40999/');
    appBridgeSettings().setPort(undefined);
  });
});

describe('BRIDGE_DEFAULT_PORT', () => {
  it('is the port of the default URL', async () => {
    const { BRIDGE_DEFAULT_PORT } = await import('../../src/ui/services/bridge-settings.ts');
    expect(BRIDGE_DEFAULT_PORT).toBe(35964);
  });
});
