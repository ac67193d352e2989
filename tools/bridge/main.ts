/**
 * The icvault PC/SC bridge: carries APDUs between the icvault page and the computer's
 * PC/SC readers (pcscd on Linux, the system service on macOS and Windows).
 * docs/bridge.md is the cardholder's guide and the protocol.
 *
 *   icvault-bridge [--port 35964] [--origin https://app.example ...] [--config file] [--no-remember] [--quiet]
 *   icvault-bridge paired [--config file]            lists the pages paired with this computer
 *   icvault-bridge forget <origin> | --all [--config file]   revokes them
 *
 * (From the repository: npm run bridge -- <same arguments>.) Problems a cardholder can
 * fix (no PC/SC, port taken, bad argument) are printed in plain words, exit code 2.
 */
import { parseArgs } from 'node:util';
import { BRIDGE_DEFAULT_PORT } from '../../src/protocol/bridge-frames.ts';
import { defaultConfigPath, PairedStore, PairedStoreError } from './paired-store.ts';
import { DEFAULT_ORIGINS } from './policy.ts';
import { startBridge } from './server.ts';
import { BridgeSetupError } from './setup-errors.ts';

function fail(message: string): never {
  console.error(`icvault bridge: ${message}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: String(BRIDGE_DEFAULT_PORT) },
      origin: { type: 'string', multiple: true },
      config: { type: 'string' },
      'no-remember': { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
} catch (e) {
  fail(`${e instanceof Error ? e.message : String(e)}. Run icvault-bridge --help.`);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(
    [
      'icvault-bridge                 start the bridge (Ctrl-C stops it)',
      '  --port <n>                   port on 127.0.0.1 (default 35964; the app must use the same)',
      '  --origin <url>               address of the icvault page (repeatable)',
      '  --config <file>              where paired pages are remembered',
      '  --no-remember                ask for the pairing code at every start',
      'icvault-bridge paired          list the pages paired with this computer',
      'icvault-bridge forget <origin> | --all   revoke a page (or all)',
    ].join('\n'),
  );
  process.exit(0);
}
const store = new PairedStore(values.config ?? defaultConfigPath(process.env, process.platform));
const [command, ...rest] = positionals;

try {
  if (command === 'paired') {
    const list = store.list();
    if (list.length === 0) console.log(`No page is paired (${store.path}).`);
    for (const p of list) console.log(`${p.origin}  paired ${p.pairedAt}`);
    process.exit(0);
  }
  if (command === 'forget') {
    const origin = rest[0];
    if (!values.all && origin === undefined) fail('forget needs the page address (as listed by "icvault-bridge paired") or --all.');
    const n = store.forget(values.all ? undefined : origin?.toLowerCase().replace(/\/$/, ''));
    console.log(n === 0 ? `${values.all ? 'No page was' : `${origin ?? ''} was not`} paired; nothing changed.` : `Forgot ${n} paired page${n === 1 ? '' : 's'}; ${values.all ? 'they' : 'it'} will need the pairing code again.`);
    process.exit(0);
  }
} catch (e) {
  if (e instanceof PairedStoreError) fail(e.message);
  throw e;
}
if (command !== undefined) fail(`unknown command "${command}". Run icvault-bridge --help.`);

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, not "${values.port}".`);
const origins = values.origin && values.origin.length > 0 ? values.origin : DEFAULT_ORIGINS;

const stamp = () => new Date().toISOString().slice(11, 19);
let bridge;
try {
  bridge = await startBridge({
    port,
    origins,
    ...(values['no-remember'] ? {} : { pairedStore: store }),
    log: values.quiet ? () => {} : (line) => console.log(`${stamp()} ${line}`),
    onPairingCode: (code) =>
      console.log(
        `\n  Pairing code: ${code.slice(0, 3)} ${code.slice(3)}\n  Type it into icvault when it asks. ${
          values['no-remember'] ? 'It is asked again at every start.' : `A page paired once is remembered (${store.path}); "icvault-bridge forget" revokes.`
        }\n`,
      ),
  });
} catch (e) {
  if (e instanceof BridgeSetupError || e instanceof PairedStoreError) fail(e.message);
  throw e;
}
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
