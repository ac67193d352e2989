/**
 * Every way the reader stack fails, as one error class with a literal code (the app
 * words it for the cardholder) and a message for logs. WebUSB DOMExceptions are mapped here and nowhere
 * else (src/reader/webusb-errors.ts).
 */
export type ReaderErrorCode =
  | 'NO_WEBUSB'
  | 'CHOOSER_CANCELLED'
  | 'PROTECTED_CLASS'
  | 'INTERFACE_BUSY'
  | 'ACCESS_DENIED'
  | 'NOT_A_READER'
  | 'DEVICE_GONE'
  | 'NO_CARD'
  | 'CARD_REMOVED'
  | 'CARD_MUTE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'READER_FAILED'
  | 'HARDWARE_ERROR'
  | 'PROTOCOL_ERROR'
  | 'UNSUPPORTED'
  | 'TRANSFER_ERROR';

/**
 * What happened, for logs and developers. What a cardholder reads (and the ways out:
 * the pcscd stop command, the udev rule, the Isolated Web App) is in the app's
 * translations, keyed by the service error each code maps to (src/ui/services/errors.ts).
 */
const SUMMARY: Record<ReaderErrorCode, string> = {
  NO_WEBUSB: 'no WebUSB (navigator.usb) in this browser',
  CHOOSER_CANCELLED: 'the device chooser closed without a choice',
  PROTECTED_CLASS: 'claimInterface refused: the browser protects the smart-card (CCID, 0x0B) class',
  INTERFACE_BUSY: 'claimInterface failed: another driver (usually pcscd) holds the interface',
  ACCESS_DENIED: 'open refused by the operating system (device node permissions)',
  NOT_A_READER: 'the device has no CCID interface',
  DEVICE_GONE: 'the reader was unplugged',
  NO_CARD: 'no card in the slot',
  CARD_REMOVED: 'the card left the slot during the exchange',
  CARD_MUTE: 'the card does not answer (no ATR)',
  TIMEOUT: 'the reader did not answer in time',
  ABORTED: 'cancelled by the caller',
  READER_FAILED: 'the reader reported a command failure',
  HARDWARE_ERROR: 'the reader reported a hardware error',
  PROTOCOL_ERROR: 'the reader sent a message that does not parse',
  UNSUPPORTED: 'a mode this driver does not support',
  TRANSFER_ERROR: 'a USB transfer failed',
};

export class ReaderError extends Error {
  readonly code: ReaderErrorCode;
  /** What happened, for logs. */
  readonly detail: string | undefined;

  constructor(code: ReaderErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${code}: ${SUMMARY[code]} (${detail})` : `${code}: ${SUMMARY[code]}`, options);
    this.name = 'ReaderError';
    this.code = code;
    this.detail = detail;
  }
}

export function isReaderError(e: unknown, code?: ReaderErrorCode): e is ReaderError {
  return e instanceof ReaderError && (code === undefined || e.code === code);
}
