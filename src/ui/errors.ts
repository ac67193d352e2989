/**
 * The failures the UI explains in plain words. The wiring maps reader, host and vault
 * errors onto these codes (an object with a `code` property is enough).
 */
export const SERVICE_ERROR_CODES = [
  'webusb-unsupported',
  'protected-class',
  'no-device-chosen',
  'access-denied',
  'not-a-reader',
  'reader-failed',
  'device-busy',
  'reader-lost',
  'no-card',
  'card-removed',
  'card-unsupported',
  'pin-wrong',
  'pin-blocked',
  'wrong-card',
  'restore-pending',
  'card-refused',
  'cancelled',
  'no-base-backup',
  'restore-refused',
  'vault-quota',
  'import-invalid',
  'vault-failed',
  'bridge-not-running',
  'bridge-pairing',
  'bridge-busy',
  'bridge-closed',
  'bridge-no-reader',
  'unavailable',
  'issuer-unreachable',
  'issuer-refused',
  'card-stopped',
  'recovery-code-wrong',
  'card-unproven',
  'card-not-genuine',
  'unknown',
] as const;

export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

const known: ReadonlySet<string> = new Set(SERVICE_ERROR_CODES);

/** The code an error carries, 'cancelled' for an AbortError, else 'unknown'. */
export function errorCode(e: unknown): ServiceErrorCode {
  if (typeof e === 'object' && e !== null) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && known.has(code)) return code as ServiceErrorCode;
    if ((e as { name?: unknown }).name === 'AbortError') return 'cancelled';
  }
  return 'unknown';
}
