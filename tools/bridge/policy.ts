/**
 * Who may talk to the bridge: the app's own origins (checked on the HTTP upgrade, before
 * any frame), a Host header naming the loopback address (so a DNS-rebinding page cannot
 * reach it under another name), and the 6-digit pairing code the bridge prints and the
 * cardholder types into the app once. Pure functions plus one small stateful class.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';

export const DEFAULT_ORIGINS: readonly string[] = [
  'http://127.0.0.1:5173',
  'http://localhost:5173',
  'http://127.0.0.1:4173',
  'http://localhost:4173',
];

/** Exact match of the Origin header against the list (scheme, host and port). */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return false;
  return allowed.includes(origin.toLowerCase().replace(/\/$/, ''));
}

/** The Host header must name the loopback interface and the bridge's port. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

export const PAIRING_MAX_FAILURES = 5;

/**
 * The pairing code: 6 random digits, valid for the life of the bridge. After
 * PAIRING_MAX_FAILURES wrong codes the bridge draws a new one (and prints it), so the
 * code cannot be guessed by trying (at most 5 in 10^6 per code).
 */
export class Pairing {
  private code: string;
  private failures = 0;

  constructor(
    fixed: string | undefined,
    private readonly onNewCode: (code: string) => void = () => {},
  ) {
    if (fixed !== undefined && !/^\d{6}$/.test(fixed)) throw new RangeError('pairing code must be 6 digits');
    this.code = fixed ?? Pairing.draw();
    this.onNewCode(this.code);
  }

  static draw(): string {
    return String(randomInt(0, 1_000_000)).padStart(6, '0');
  }

  get current(): string {
    return this.code;
  }

  check(candidate: string): boolean {
    const a = new TextEncoder().encode(candidate.padEnd(6, '\0').slice(0, 64));
    const b = new TextEncoder().encode(this.code);
    const good = a.length === b.length && timingSafeEqual(a, b);
    if (good) return true;
    this.failures++;
    if (this.failures >= PAIRING_MAX_FAILURES) {
      this.failures = 0;
      this.code = Pairing.draw();
      this.onNewCode(this.code);
    }
    return false;
  }
}
