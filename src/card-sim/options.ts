/** Options of a simulated card at manufacture (personalisation is the issuer's: INITIALISE). */
import type { AppSeed, CardApplication } from './app-api.ts';
import type { CardProtocols } from './atr.ts';
import type { WriteFault } from './fault.ts';

export interface SimCardOptions {
  /** The issuer's root Ed25519 public key, the card's one trust anchor (written at manufacture). */
  rootPublicKey: Uint8Array;
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
}

export const DEFAULTS = {
  memorySize: 64 * 1024,
  pageSize: 256,
  extendedLength: true,
  responseBufferSize: 4096,
} as const;
