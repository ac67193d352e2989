/**
 * The origins a cardholder has paired, remembered between runs so the code is typed
 * once per page address, not at every start. When a page pairs with the code, the
 * bridge gives it a random token (32 bytes, base64url) in `welcome`; the file keeps only
 * the token's SHA-256 with the origin, so reading the file does not let anyone pair.
 * Later a hello from that origin with that token is accepted without the code.
 * `icvault-bridge forget <origin>` (or `--all`) revokes; `icvault-bridge paired` lists.
 *
 * File: --config <path>, else $ICVAULT_BRIDGE_CONFIG, else
 * $XDG_CONFIG_HOME/icvault-bridge/paired.json (~/.config/... ; %APPDATA%\icvault-bridge\ on Windows).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface PairedOrigin {
  origin: string;
  /** hex SHA-256 of the token */
  tokenHash: string;
  pairedAt: string;
}

export class PairedStoreError extends Error {
  readonly code = 'PAIRED_STORE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PairedStoreError';
  }
}

export function defaultConfigPath(env: Record<string, string | undefined>, platform: string, home = homedir()): string {
  if (env.ICVAULT_BRIDGE_CONFIG) return env.ICVAULT_BRIDGE_CONFIG;
  const base = platform === 'win32' ? (env.APPDATA ?? join(home, 'AppData', 'Roaming')) : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return join(base, 'icvault-bridge', 'paired.json');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export class PairedStore {
  constructor(readonly path: string) {}

  list(): PairedOrigin[] {
    if (!existsSync(this.path)) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (e) {
      throw new PairedStoreError(`${this.path} is not valid JSON; delete it to forget every pairing`, { cause: e });
    }
    const list = (parsed as { paired?: unknown }).paired;
    if (!Array.isArray(list)) throw new PairedStoreError(`${this.path} has no "paired" list; delete it to forget every pairing`);
    return list.filter(
      (p): p is PairedOrigin =>
        typeof p === 'object' && p !== null && typeof (p as PairedOrigin).origin === 'string' && /^[0-9a-f]{64}$/.test(String((p as PairedOrigin).tokenHash)),
    );
  }

  private write(list: PairedOrigin[]): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, paired: list }, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.path); // never a half-written file
  }

  /** Pairs (or re-pairs) an origin: a new token, replacing any earlier one. */
  remember(origin: string, now = new Date()): string {
    const token = randomBytes(32).toString('base64url');
    const rest = this.list().filter((p) => p.origin !== origin);
    this.write([...rest, { origin, tokenHash: sha256(token).toString('hex'), pairedAt: now.toISOString() }]);
    return token;
  }

  check(origin: string, token: string): boolean {
    const entry = this.list().find((p) => p.origin === origin);
    if (!entry) return false;
    const stored = Uint8Array.from(entry.tokenHash.match(/../g) ?? [], (h) => parseInt(h, 16));
    return timingSafeEqual(sha256(token), stored);
  }

  /** Revokes one origin (true if it was paired) or, with undefined, all. */
  forget(origin: string | undefined): number {
    const list = this.list();
    const keep = origin === undefined ? [] : list.filter((p) => p.origin !== origin);
    if (keep.length !== list.length) this.write(keep);
    return list.length - keep.length;
  }
}
