export interface IssuerConfig {
  /** The app's origin: the only one CORS allows (ISSUER_APP_ORIGIN). */
  appOrigin: string;
  /** Largest upload (one backup) in bytes. */
  maxBackupBytes: number;
  /** Largest JSON body. */
  maxJsonBytes: number;
  /** Bytes of backups one card may keep. */
  quotaBytes: number;
  /** Requests per IP per minute, and per card per minute. */
  perIpPerMinute: number;
  perCardPerMinute: number;
  /** Recovery-code attempts per card per hour (the code is the one secret of a lost card). */
  lostAttemptsPerHour: number;
  /** Demo issuer: a logged-in card may ask for load tokens (a top-up without payment). */
  demoLoads: boolean;
  now: () => number;
}

export const defaultConfig = (over: Partial<IssuerConfig> = {}): IssuerConfig => ({
  appOrigin: 'http://localhost:5173',
  maxBackupBytes: 16 * 1024 * 1024,
  maxJsonBytes: 64 * 1024,
  quotaBytes: 256 * 1024 * 1024,
  perIpPerMinute: 600,
  perCardPerMinute: 240,
  lostAttemptsPerHour: 10,
  demoLoads: false,
  now: () => Date.now(),
  ...over,
});
