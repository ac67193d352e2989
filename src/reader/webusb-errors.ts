/**
 * WebUSB failures, by DOMException name (WebUSB spec §6; Chrome's messages), mapped to
 * ReaderErrors per operation. The one place where these names are read.
 *   requestDevice: NotFoundError = chooser closed without a choice.
 *   open: SecurityError "Access denied." = the OS refused the device node (udev on Linux).
 *   claimInterface: SecurityError = a protected class (Chrome blocks CCID 0x0B for web
 *     pages); NetworkError "Unable to claim interface." = another driver (pcscd) holds it.
 *   transfers: NotFoundError "The device was disconnected." after an unplug; transfers
 *     pending at the unplug fail with NetworkError "A transfer error has occurred."
 *     (whatwg/usb#219), and close() cancels them with AbortError: all mean "gone".
 */
import { ReaderError, type ReaderErrorCode } from './errors.ts';

type Operation = 'request' | 'open' | 'claim' | 'transfer';

const TABLE: Record<Operation, Partial<Record<string, ReaderErrorCode>>> = {
  request: { NotFoundError: 'CHOOSER_CANCELLED', SecurityError: 'NO_WEBUSB' },
  open: { SecurityError: 'ACCESS_DENIED', NotFoundError: 'DEVICE_GONE', NetworkError: 'INTERFACE_BUSY' },
  claim: { SecurityError: 'PROTECTED_CLASS', NetworkError: 'INTERFACE_BUSY', InvalidStateError: 'INTERFACE_BUSY', NotFoundError: 'DEVICE_GONE' },
  transfer: { NotFoundError: 'DEVICE_GONE', NetworkError: 'DEVICE_GONE', InvalidStateError: 'DEVICE_GONE', AbortError: 'DEVICE_GONE' },
};

function mapError(op: Operation, e: unknown): ReaderError {
  if (e instanceof ReaderError) return e;
  const name = typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  return new ReaderError(TABLE[op][name] ?? 'TRANSFER_ERROR', name ? `${name}: ${message}` : message, { cause: e });
}

export const mapRequestError = (e: unknown) => mapError('request', e);
export const mapOpenError = (e: unknown) => mapError('open', e);
export const mapClaimError = (e: unknown) => mapError('claim', e);
export const mapTransferError = (e: unknown) => mapError('transfer', e);
