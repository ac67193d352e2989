/**
 * ISO/IEC 7816-4 status words (§5.6) used by the icvault card, with plain-English
 * meanings. docs/protocol.md lists which command returns which.
 */
export const SW = {
  OK: 0x9000,
  /** 6310: more data available (the patent's "not done yet" for BACKUP DATA TRANSFER, fig. 15). */
  MORE_DATA: 0x6310,
  /** 6283: selected file/application is in a restored state and its value was initialised. */
  VALUE_RESET: 0x6283,
  /** 6581: memory failure (write could not complete). */
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  /** 6882: secure messaging not supported; 6883: last command of chain expected; 6884 chaining not supported. */
  LAST_COMMAND_EXPECTED: 0x6883,
  CHAINING_NOT_SUPPORTED: 0x6884,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  /** 6984: reference data not usable (e.g. wrapped key / epoch unknown). */
  DATA_INVALID: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  /** 6988: incorrect secure messaging data objects — we use it for authentication failures of backup data. */
  INCORRECT_SM_DATA: 0x6988,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** 61xx: xx more bytes available with GET RESPONSE. */
export const isBytesRemaining = (sw: number) => sw >>> 8 === 0x61;
/** 6Cxx: wrong Le, re-issue with Le = xx. */
export const isWrongLe = (sw: number) => sw >>> 8 === 0x6c;
/** 63Cx: verification failed, x tries left. */
export const isRetryCounter = (sw: number) => (sw & 0xfff0) === 0x63c0;

const NAMES: Record<number, string> = {
  0x9000: 'success',
  0x6310: 'more data available',
  0x6283: 'restored: value initialised',
  0x6581: 'memory failure',
  0x6700: 'wrong length',
  0x6883: 'last command of chain expected',
  0x6884: 'command chaining not supported',
  0x6982: 'security status not satisfied (PIN required)',
  0x6983: 'authentication method blocked',
  0x6984: 'reference data not usable',
  0x6985: 'conditions of use not satisfied',
  0x6988: 'backup data failed authentication',
  0x6a80: 'incorrect data',
  0x6a81: 'function not supported',
  0x6a82: 'application not found',
  0x6a84: 'not enough memory',
  0x6a86: 'incorrect P1/P2',
  0x6a88: 'referenced data not found',
  0x6d00: 'instruction not supported',
  0x6e00: 'class not supported',
  0x6f00: 'no precise diagnosis',
};

export function describeSw(sw: number): string {
  const hex = sw.toString(16).toUpperCase().padStart(4, '0');
  if (NAMES[sw]) return `${hex} ${NAMES[sw]}`;
  if (isBytesRemaining(sw)) return `${hex} ${sw & 0xff || 256} bytes remaining`;
  if (isWrongLe(sw)) return `${hex} wrong Le, expected ${sw & 0xff || 256}`;
  if (isRetryCounter(sw)) return `${hex} wrong PIN, ${sw & 0x0f} tries left`;
  return `${hex} unknown status`;
}
