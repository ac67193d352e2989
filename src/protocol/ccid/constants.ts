/**
 * CCID constants (USB CCID rev 1.1). Section numbers name where each value is defined.
 */

/** Bulk-OUT message types, PC_to_RDR_* (§6.1). */
export const PC_TO_RDR = {
  IccPowerOn: 0x62,
  IccPowerOff: 0x63,
  GetSlotStatus: 0x65,
  XfrBlock: 0x6f,
  GetParameters: 0x6c,
  ResetParameters: 0x6d,
  SetParameters: 0x61,
  Escape: 0x6b,
  IccClock: 0x6e,
  T0APDU: 0x6a,
  Secure: 0x69,
  Mechanical: 0x71,
  Abort: 0x72,
  SetDataRateAndClockFrequency: 0x73,
} as const;
export type PcToRdrType = (typeof PC_TO_RDR)[keyof typeof PC_TO_RDR];

/** Bulk-IN message types, RDR_to_PC_* (§6.2). */
export const RDR_TO_PC = {
  DataBlock: 0x80,
  SlotStatus: 0x81,
  Parameters: 0x82,
  Escape: 0x83,
  DataRateAndClockFrequency: 0x84,
} as const;
export type RdrToPcType = (typeof RDR_TO_PC)[keyof typeof RDR_TO_PC];

/** Interrupt-IN message types (§6.3). */
export const INTERRUPT = { NotifySlotChange: 0x50, HardwareError: 0x51 } as const;

/** Every bulk message has a 10-byte header (§6.1, §6.2). */
export const CCID_HEADER_LENGTH = 10;

/** bmICCStatus, bits 0-1 of bStatus (§6.2.6). */
export const ICC_STATUS = { PresentActive: 0, PresentInactive: 1, NoIcc: 2 } as const;
/** bmCommandStatus, bits 6-7 of bStatus (§6.2.6). */
export const COMMAND_STATUS = { Ok: 0, Failed: 1, TimeExtension: 2 } as const;

/** Slot error register values, bError when bmCommandStatus = Failed (§6.2.6, table 6.2-2). */
export const SLOT_ERROR: Readonly<Record<number, string>> = {
  0xff: 'CMD_ABORTED',
  0xfe: 'ICC_MUTE',
  0xfd: 'XFR_PARITY_ERROR',
  0xfc: 'XFR_OVERRUN',
  0xfb: 'HW_ERROR',
  0xf8: 'BAD_ATR_TS',
  0xf7: 'BAD_ATR_TCK',
  0xf6: 'ICC_PROTOCOL_NOT_SUPPORTED',
  0xf5: 'ICC_CLASS_NOT_SUPPORTED',
  0xf4: 'PROCEDURE_BYTE_CONFLICT',
  0xf3: 'DEACTIVATED_PROTOCOL',
  0xf2: 'BUSY_WITH_AUTO_SEQUENCE',
  0xf0: 'PIN_TIMEOUT',
  0xef: 'PIN_CANCELLED',
  0xe0: 'CMD_SLOT_BUSY',
  0x00: 'CMD_NOT_SUPPORTED',
};

export function slotErrorName(bError: number): string {
  const known = SLOT_ERROR[bError];
  if (known) return known;
  if (bError >= 0x01 && bError <= 0x7f) return `BAD_PARAMETER_AT_OFFSET_${bError}`;
  if (bError >= 0x80 && bError <= 0xc0) return `USER_DEFINED_${bError.toString(16).toUpperCase()}`;
  return `RFU_${bError.toString(16).toUpperCase()}`;
}

/** dwFeatures bits of the class descriptor (§5.1, offset 40). */
export const FEATURE = {
  AutoConfigFromAtr: 0x02,
  AutoActivation: 0x04,
  AutoVoltage: 0x08,
  AutoClock: 0x10,
  AutoBaud: 0x20,
  AutoParameterNegotiation: 0x40,
  AutoPps: 0x80,
  ClockStop: 0x100,
  NadOtherThanZero: 0x200,
  AutoIfsd: 0x400,
  LevelMask: 0x70000,
  LevelTpdu: 0x10000,
  LevelShortApdu: 0x20000,
  LevelExtendedApdu: 0x40000,
  UsbWakeUp: 0x100000,
} as const;

/** The exchange level a reader offers, from dwFeatures bits 16-18 (§5.1). */
export type ExchangeLevel = 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu';

export function exchangeLevel(dwFeatures: number): ExchangeLevel {
  // Several level bits set would be a broken descriptor; the highest wins, as in libccid
  // which tests for extended first.
  if (dwFeatures & FEATURE.LevelExtendedApdu) return 'extended-apdu';
  if (dwFeatures & FEATURE.LevelShortApdu) return 'short-apdu';
  if (dwFeatures & FEATURE.LevelTpdu) return 'tpdu';
  return 'character';
}

/**
 * wLevelParameter of PC_to_RDR_XfrBlock and bChainParameter of RDR_to_PC_DataBlock for
 * extended APDU level (§6.1.4, §6.2.1).
 */
export const CHAIN = {
  BeginsAndEnds: 0x00,
  BeginsAndContinues: 0x01,
  ContinuesAndEnds: 0x02,
  ContinuesAndContinues: 0x03,
  EmptyContinue: 0x10,
} as const;
