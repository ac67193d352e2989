/**
 * Class and instruction bytes of the icvault card (docs/architecture.md table,
 * docs/protocol.md). The card's dispatcher and the host's commands read the same table.
 */
export const CLA_ISO = 0x00;
export const CLA_PROPRIETARY = 0x80;
/** ISO 7816-4 §5.4.1: CLA bit b5 = "command is not the last of a chain". */
export const CLA_CHAIN_BIT = 0x10;

export const INS = {
  SELECT: 0xa4,
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  GET_RESPONSE: 0xc0,
  INITIALISE: 0x10,
  GET_DATA: 0xca,
  BACKUP: 0xb0,
  BACKUP_DATA_TRANSFER: 0xb2,
  BACKUP_COMPLETE: 0xb4,
  BACKUP_ABORT: 0xb6,
  RESTORE: 0xc0,
  RESTORE_DATA_TRANSFER: 0xc2,
  RESTORE_COMPLETE: 0xc4,
  RESTORE_ABORT: 0xc6,
  /** Version 2: the card takes a newer epoch key certified by the issuer's root (docs/trust.md "Epochs"). */
  EPOCH_UPDATE: 0xd4,
  /** ISO 7816-4 INTERNAL AUTHENTICATE (CLA 00): the card signs a challenge (docs/trust.md). */
  INTERNAL_AUTHENTICATE: 0x88,
} as const;

/** P2 of VERIFY / CHANGE REFERENCE DATA: the cardholder PIN, a specific (DF-level) reference. */
export const PIN_REFERENCE = 0x81;
