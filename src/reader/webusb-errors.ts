/**
 * WebUSB failures, by DOMException name (WebUSB spec §6; Chrome's messages), mapped to
 * ReaderErrors. The one place where these names are read.
 */
import { ReaderError } from './errors.ts';

function nameOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** requestDevice(): NotFoundError when the chooser is closed without a choice. */
export function mapRequestError(e: unknown): ReaderError {
  if (e instanceof ReaderError) return e;
  if (nameOf(e) === 'NotFoundError') return new ReaderError('CHOOSER_CANCELLED', messageOf(e), { cause: e });
  if (nameOf(e) === 'SecurityError') return new ReaderError('NO_WEBUSB', `not allowed here: ${messageOf(e)}`, { cause: e });
  return new ReaderError('TRANSFER_ERROR', messageOf(e), { cause: e });
}

/** open(): SecurityError "Access denied." is the OS refusing the device node (udev on Linux). */
export function mapOpenError(e: unknown): ReaderError {
  if (e instanceof ReaderError) return e;
  const n = nameOf(e);
  if (n === 'SecurityError') return new ReaderError('ACCESS_DENIED', messageOf(e), { cause: e });
  if (n === 'NotFoundError') return new ReaderError('DEVICE_GONE', messageOf(e), { cause: e });
  if (n === 'NetworkError') return new ReaderError('INTERFACE_BUSY', messageOf(e), { cause: e });
  return new ReaderError('TRANSFER_ERROR', messageOf(e), { cause: e });
}

/**
 * claimInterface(): SecurityError = a protected class (Chrome blocks CCID 0x0B for web
 * pages); NetworkError "Unable to claim interface." = another driver (pcscd) holds it.
 */
export function mapClaimError(e: unknown): ReaderError {
  if (e instanceof ReaderError) return e;
  const n = nameOf(e);
  if (n === 'SecurityError') return new ReaderError('PROTECTED_CLASS', messageOf(e), { cause: e });
  if (n === 'NetworkError' || n === 'InvalidStateError') return new ReaderError('INTERFACE_BUSY', messageOf(e), { cause: e });
  if (n === 'NotFoundError') return new ReaderError('DEVICE_GONE', messageOf(e), { cause: e });
  return new ReaderError('TRANSFER_ERROR', messageOf(e), { cause: e });
}

/**
 * transferIn/Out: NotFoundError "The device was disconnected." for calls after an
 * unplug; Chrome fails transfers pending at the unplug with NetworkError "A transfer
 * error has occurred." (whatwg/usb#219), so both mean the device is gone.
 */
export function mapTransferError(e: unknown): ReaderError {
  if (e instanceof ReaderError) return e;
  const n = nameOf(e);
  if (n === 'NotFoundError' || n === 'NetworkError' || n === 'InvalidStateError') {
    return new ReaderError('DEVICE_GONE', messageOf(e), { cause: e });
  }
  if (n === 'AbortError') return new ReaderError('DEVICE_GONE', `transfer cancelled: ${messageOf(e)}`, { cause: e });
  return new ReaderError('TRANSFER_ERROR', messageOf(e), { cause: e });
}
