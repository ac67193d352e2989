/**
 * Every way the reader stack fails, as one error class with a literal code and a
 * message a cardholder can act on. WebUSB DOMExceptions are mapped here and nowhere
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

const ADVICE: Record<ReaderErrorCode, string> = {
  NO_WEBUSB: 'This browser cannot talk to USB devices (no WebUSB). Use Chrome or Edge on a desktop computer, over https or localhost, or try demo mode.',
  CHOOSER_CANCELLED: 'No reader was chosen. Click "Connect reader" again and pick your card reader from the list.',
  PROTECTED_CLASS:
    'Chrome does not let normal web pages open smart-card (CCID, USB class 0x0B) readers. What works instead: install this app as an Isolated Web App with the "usb-unrestricted" permission policy, run it inside Electron, or use a reader that presents a vendor-class (0xFF) interface. Demo mode works everywhere.',
  INTERFACE_BUSY:
    'Another program is using the reader (usually the PC/SC service, pcscd). Close it and try again; on Linux run: sudo systemctl stop pcscd.socket pcscd',
  ACCESS_DENIED:
    'The operating system refused access to the reader. On Linux, allow your user to open it with a udev rule, e.g. in /etc/udev/rules.d/70-icvault.rules: SUBSYSTEM=="usb", ATTR{idVendor}=="072f", MODE="0660", GROUP="plugdev" (use your reader\'s vendor id), then run sudo udevadm control --reload && sudo udevadm trigger, make sure you are in the plugdev group, and replug the reader.',
  NOT_A_READER: 'This USB device is not a smart-card reader this app can drive. Choose a CCID card reader.',
  DEVICE_GONE: 'The reader was unplugged. Plug it back in and connect it again; nothing was written that a retry cannot finish.',
  NO_CARD: 'There is no card in the reader. Insert your card and try again.',
  CARD_REMOVED: 'The card was removed during the operation. Put it back and start the operation again.',
  CARD_MUTE: 'The card does not answer. Check that it is inserted the right way round (chip first, facing the contacts) and try again.',
  TIMEOUT: 'The reader did not answer in time. Unplug it, plug it back in and try again.',
  ABORTED: 'The operation was cancelled.',
  READER_FAILED: 'The reader reported an error. Remove and reinsert the card, then try again.',
  HARDWARE_ERROR: 'The reader reported a hardware fault (for example over-current on the card contacts). Remove the card and replug the reader.',
  PROTOCOL_ERROR: 'The reader sent something the app did not understand. Unplug and replug the reader; if it keeps happening, the reader may need a quirk entry.',
  UNSUPPORTED: 'This reader or card uses a mode the app does not support.',
  TRANSFER_ERROR: 'A USB transfer failed. Unplug the reader, plug it back in and try again.',
};

export class ReaderError extends Error {
  readonly code: ReaderErrorCode;
  /** What happened, for logs; the message is the advice. */
  readonly detail: string | undefined;

  constructor(code: ReaderErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${ADVICE[code]} (${detail})` : ADVICE[code], options);
    this.name = 'ReaderError';
    this.code = code;
    this.detail = detail;
  }
}

export function isReaderError(e: unknown, code?: ReaderErrorCode): e is ReaderError {
  return e instanceof ReaderError && (code === undefined || e.code === code);
}
