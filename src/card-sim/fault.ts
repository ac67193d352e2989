/**
 * Power loss for the write path (DESIGN.md: "power cut at every write"). A fault is a
 * constructor option of the card, never a test hook: the card calls `beforeWrite`
 * before it programs each byte of its EEPROM, and whatever the fault throws is a power
 * cut at that byte (the bytes before it are written, that one and the rest are not).
 */
export interface WriteFault {
  /** `byteIndex` counts byte writes since the card object was made (0-based); `address` is the physical address. */
  beforeWrite(byteIndex: number, address: number): void;
}

export class PowerLoss extends Error {
  readonly code = 'POWER_LOSS' as const;
  readonly byteIndex: number;
  constructor(byteIndex: number, options?: { cause?: unknown }) {
    super(`power lost before byte write ${byteIndex}`, options);
    this.name = 'PowerLoss';
    this.byteIndex = byteIndex;
  }
}

/** Cut the power before the byte write numbered `n` (0-based), once. */
export function cutPowerAt(n: number): WriteFault {
  let fired = false;
  return {
    beforeWrite(byteIndex) {
      if (!fired && byteIndex === n) {
        fired = true;
        throw new PowerLoss(byteIndex);
      }
    },
  };
}
