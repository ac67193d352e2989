/**
 * `npm run bridge` (tsx tools/bridge/main.ts): carries APDUs between the icvault page
 * and the computer's PC/SC readers (pcscd on Linux, the system service on macOS and
 * Windows). docs/bridge.md is the cardholder's guide and the protocol.
 *
 *   npm run bridge -- [--port 35964] [--origin https://app.example ...]
 */
import { parseArgs } from 'node:util';
import { BRIDGE_DEFAULT_PORT } from '../../src/protocol/bridge-frames.ts';
import { DEFAULT_ORIGINS } from './policy.ts';
import { startBridge } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(BRIDGE_DEFAULT_PORT) },
    origin: { type: 'string', multiple: true },
    quiet: { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port must be 0..65535, got ${values.port}`);
const origins = values.origin && values.origin.length > 0 ? values.origin : DEFAULT_ORIGINS;

const stamp = () => new Date().toISOString().slice(11, 19);
const bridge = await startBridge({
  port,
  origins,
  log: values.quiet ? () => {} : (line) => console.log(`${stamp()} ${line}`),
  onPairingCode: (code) => console.log(`\n  Pairing code: ${code.slice(0, 3)} ${code.slice(3)}\n  Type it into icvault when it asks (once per bridge run).\n`),
});
console.log(`icvault PC/SC bridge on ${bridge.url} for ${origins.join(', ')}. Ctrl-C stops it.`);

let stopping = false;
const stop = async () => {
  // A second Ctrl-C exits at once, should the PC/SC library be slow to let go.
  if (stopping) process.exit(1);
  stopping = true;
  await bridge.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
