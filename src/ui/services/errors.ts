/**
 * The one place where reader, host, vault and card errors become the UI's
 * SERVICE_ERROR_CODES (src/ui/errors.ts). Every service method rethrows through
 * `toServiceError`, so the views only ever see a code they can explain.
 */
import type { ServiceErrorCode } from '../errors.ts';
import { HostError } from '../../host/index.ts';
import { CardError } from '../../host/surface.ts';
import { BridgeError } from '../../reader/bridge-transport.ts';
import { ReaderError, type ReaderErrorCode } from '../../reader/errors.ts';
import { VaultError } from '../../vault/index.ts';

export class ServiceError extends Error {
  readonly code: ServiceErrorCode;
  /** 'pin-wrong': the tries the card says are left. */
  readonly triesLeft: number | undefined;
  constructor(code: ServiceErrorCode, message: string, options?: { cause?: unknown; triesLeft?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServiceError';
    this.code = code;
    this.triesLeft = options?.triesLeft;
  }
}

const READER: Record<ReaderErrorCode, ServiceErrorCode> = {
  NO_WEBUSB: 'webusb-unsupported',
  CHOOSER_CANCELLED: 'no-device-chosen',
  PROTECTED_CLASS: 'protected-class',
  INTERFACE_BUSY: 'device-busy',
  ACCESS_DENIED: 'access-denied',
  NOT_A_READER: 'not-a-reader',
  DEVICE_GONE: 'reader-lost',
  NO_CARD: 'no-card',
  CARD_REMOVED: 'card-removed',
  CARD_MUTE: 'card-unsupported',
  TIMEOUT: 'reader-lost',
  ABORTED: 'cancelled',
  READER_FAILED: 'reader-failed',
  HARDWARE_ERROR: 'reader-failed',
  PROTOCOL_ERROR: 'reader-failed',
  UNSUPPORTED: 'card-unsupported',
  TRANSFER_ERROR: 'reader-lost',
};

/** The bridge's own failures get words of their own ("Start the bridge: npm run bridge"). */
function bridgeCode(e: BridgeError): ServiceErrorCode {
  switch (e.bridgeCode) {
    case 'NOT_RUNNING':
    case 'BAD_ORIGIN':
      return 'bridge-not-running';
    case 'BAD_PAIRING':
    case 'PAIRING_REQUIRED':
      return 'bridge-pairing';
    case 'READER_BUSY':
      return 'bridge-busy';
    case 'CLOSED':
      return 'bridge-closed';
    case 'NO_SUCH_READER':
      return 'bridge-no-reader';
    default:
      return READER[e.code];
  }
}

function vaultCode(e: VaultError): ServiceErrorCode {
  if (e.code === 'QUOTA') return 'vault-quota';
  if (e.code === 'BAD_FILE' || e.code === 'CONFLICT') return 'import-invalid';
  if (e.code === 'MISSING_BASE') return 'no-base-backup';
  return 'vault-failed';
}

function cardCode(e: CardError): ServiceErrorCode {
  if (e.code === 'PIN_BLOCKED') return 'pin-blocked';
  if (e.code === 'WRONG_PIN') return 'pin-wrong';
  return 'card-refused';
}

function hostCode(e: HostError, what: 'restore' | 'other'): ServiceErrorCode {
  switch (e.code) {
    case 'CANCELLED':
      return 'cancelled';
    case 'WRONG_PIN':
      return 'pin-wrong';
    case 'PIN_BLOCKED':
      return 'pin-blocked';
    case 'NOT_INITIALISED':
      return 'card-unsupported';
    case 'CARD_BUSY':
      return 'restore-pending';
    case 'MISSING_BASE':
      return 'no-base-backup';
    case 'NOT_FOUND':
    case 'BAD_BACKUP':
      return 'vault-failed';
    case 'OLD_PROTOCOL':
    case 'NOT_AUTHORISED':
      return 'restore-refused';
    case 'WRONG_CARD':
      return 'wrong-card';
    case 'NOT_GENUINE':
      return 'card-not-genuine';
    case 'CARD_REFUSED':
      return what === 'restore' ? 'restore-refused' : 'card-refused';
    case 'TRANSPORT':
    case 'VAULT':
      return codeOf(e.cause, what);
  }
}

function codeOf(e: unknown, what: 'restore' | 'other'): ServiceErrorCode {
  if (e instanceof ServiceError) return e.code;
  if (e instanceof HostError) return hostCode(e, what);
  if (e instanceof BridgeError) return bridgeCode(e);
  if (e instanceof ReaderError) return READER[e.code];
  if (e instanceof VaultError) return vaultCode(e);
  if (e instanceof CardError) return cardCode(e);
  if (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError') return 'cancelled';
  return 'unknown';
}

/** Any failure of a layer below, as a ServiceError (the original rides along as `cause`). */
export function toServiceError(e: unknown, what: 'restore' | 'other' = 'other'): ServiceError {
  if (e instanceof ServiceError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const triesLeft = e instanceof HostError || e instanceof CardError ? e.triesLeft : undefined;
  return new ServiceError(codeOf(e, what), message, triesLeft === undefined ? { cause: e } : { cause: e, triesLeft });
}

/** Run `fn`; whatever it throws comes out as a ServiceError. */
export async function mapped<T>(fn: () => Promise<T>, what: 'restore' | 'other' = 'other'): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toServiceError(e, what);
  }
}
