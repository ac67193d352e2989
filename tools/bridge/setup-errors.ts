/**
 * What the bridge says when the computer lacks PC/SC: plain words naming what to install,
 * printed by main.ts without a stack trace. Three cases, checked before the pairing code
 * is printed: the PC/SC library (libpcsclite) cannot be loaded, the bridge's PC/SC module
 * (@pokusew/pcsclite) is not installed, the PC/SC service (pcscd) is not there.
 */
export type BridgeSetupCode = 'PCSC_LIBRARY_MISSING' | 'PCSC_MODULE_MISSING' | 'PCSCD_NOT_RUNNING' | 'PORT_IN_USE';

export class BridgeSetupError extends Error {
  constructor(
    readonly code: BridgeSetupCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BridgeSetupError';
  }
}

const INSTALL_LIBRARY = [
  '  Debian, Ubuntu:  sudo apt-get install pcscd libpcsclite1',
  '  Fedora:          sudo dnf install pcsc-lite pcsc-lite-libs',
  '  Arch:            sudo pacman -S pcsclite',
  'macOS and Windows have PC/SC built in.',
].join('\n');

/** Why require('@pokusew/pcsclite') failed, in words a cardholder can act on. */
export function explainModuleLoadFailure(e: unknown): BridgeSetupError {
  const text = e instanceof Error ? e.message : String(e);
  if (/libpcsclite|winscard|PCSC\.framework/i.test(text))
    return new BridgeSetupError(
      'PCSC_LIBRARY_MISSING',
      `The PC/SC library (libpcsclite) is not installed on this computer, so the bridge cannot reach card readers.\nInstall it, then start the bridge again:\n${INSTALL_LIBRARY}`,
      { cause: e },
    );
  return new BridgeSetupError(
    'PCSC_MODULE_MISSING',
    'The bridge\'s PC/SC module (@pokusew/pcsclite) is not installed or was not built for this Node.js.\nReinstall the bridge: npm install -g ./icvault-bridge-<version>.tgz (docs/bridge.md); building it needs the PC/SC headers (Debian, Ubuntu: sudo apt-get install libpcsclite-dev g++ make python3).',
    { cause: e },
  );
}

/** pcscd's socket on Linux (pcsc-lite: PCSCLITE_CSOCK_NAME overrides the default). */
export function pcscdSocketPath(env: Record<string, string | undefined>): string {
  return env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
}

/** On Linux the service is a separate daemon; without its socket no reader ever appears. */
export function checkPcscService(platform: string, env: Record<string, string | undefined>, exists: (path: string) => boolean): BridgeSetupError | undefined {
  if (platform !== 'linux') return undefined;
  const socket = pcscdSocketPath(env);
  if (exists(socket)) return undefined;
  return new BridgeSetupError(
    'PCSCD_NOT_RUNNING',
    `The PC/SC service (pcscd) is not running on this computer (${socket} is missing), so no card reader can be seen.\nInstall and start it, then start the bridge again:\n  Debian, Ubuntu:  sudo apt-get install pcscd && sudo systemctl enable --now pcscd.socket\n  Fedora:          sudo dnf install pcsc-lite && sudo systemctl enable --now pcscd.socket\n  Arch:            sudo pacman -S pcsclite && sudo systemctl enable --now pcscd.socket`,
  );
}

export function portInUse(port: number, e: unknown): BridgeSetupError {
  return new BridgeSetupError(
    'PORT_IN_USE',
    `Port ${port} on 127.0.0.1 is already in use (another bridge may be running). Stop the other one, or start this one on another port with --port <number> and give the app the same port.`,
    { cause: e },
  );
}
