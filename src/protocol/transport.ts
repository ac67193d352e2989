/**
 * The one connection interface every layer above the reader talks through (DESIGN.md).
 * A transport carries one APDU at a time: bytes of a command APDU in, response data
 * followed by SW1 SW2 out. Extended length, chaining, 61xx and 6Cxx handling are thin
 * wrappers around a Transport (src/reader/wrappers), each tested on its own.
 */
export interface Transport {
  transmit(apdu: Uint8Array, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /** What the link can carry in one exchange, so callers size their commands. */
  readonly limits: TransportLimits;
}

export interface TransportLimits {
  /** Largest command data field (Nc) one exchange can carry. */
  maxCommandData: number;
  /** Largest response data (Ne) one exchange can carry. */
  maxResponseData: number;
  /** Whether extended-length APDUs are understood end to end. */
  extendedLength: boolean;
}

/** The card side of a direct connection: anything with the simulated card's surface. */
export interface CardLike {
  powerOn(): Uint8Array;
  transmit(apdu: Uint8Array): Uint8Array;
  powerOff(): void;
}
