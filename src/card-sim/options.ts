/** Options of a simulated card, with the demo issuer's defaults. */
import type { AppSeed, CardApplication } from './app-api.ts';
import type { CardProtocols } from './atr.ts';
import type { WriteFault } from './fault.ts';

export interface SimCardOptions {
  /** 16 digits (patent 051). Default 4900000000000001. */
  cardNumber?: string;
  /** Issuer id (u32), key epoch (u16), common key (009) and Ed25519 public key: default the demo issuer. */
  issuer?: number;
  epoch?: number;
  commonKey?: Uint8Array;
  issuerPublicKey?: Uint8Array;
  /** Cardholder PIN, 4..12 digits. Default 1234. */
  pin?: string;
  /** The issuer-held PUK (RESET RETRY COUNTER), 8..12 digits. Default 12345678. */
  puk?: string;
  /** Bytes of memory: 8 KiB..1 MiB. Default 64 KiB. */
  memorySize?: number;
  /** Power of two 64..4096. Default 256. */
  pageSize?: number;
  /** Whether the card takes extended-length APDUs. Default true. */
  extendedLength?: boolean;
  /** Transmission protocols its ATR offers, default first (atr.ts): [1], [0] or [0, 1]. Default [1]. */
  protocols?: CardProtocols;
  /** Response buffer of a short-APDU exchange (61xx / GET RESPONSE). Default 4096. */
  responseBufferSize?: number;
  /** Seed of the card's random source (deterministic keys for tests and demos). Default: platform CSPRNG. */
  seed?: Uint8Array | string;
  /** Power-loss injection into the single write path (fault.ts). */
  fault?: WriteFault;
  /** Applications to install (fig. 10, 031). Default: the five of defaultApplications(). */
  apps?: readonly CardApplication[];
  /** Personalisation data handed to every application's install. */
  appSeed?: AppSeed;
  /** Return a blank card (not initialised): the host can INITIALISE it. */
  blank?: boolean;
}

export const DEFAULTS = {
  cardNumber: '4900000000000001',
  pin: '1234',
  puk: '12345678',
  memorySize: 64 * 1024,
  pageSize: 256,
  extendedLength: true,
  responseBufferSize: 4096,
} as const;
