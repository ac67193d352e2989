/**
 * The simulated card in a real PC/SC reader: connects createSimCard to vsmartcard's
 * vpcd (Debian package vsmartcard-vpcd, a pcscd reader driver), so that pcscd lists
 * "Virtual PCD 00 00" with our card in it and any PC/SC client can talk to it.
 *
 *   npx tsx tools/vpcd-card.ts [--port 35963] [--host 127.0.0.1] [--card-number 16 digits]
 *                              [--pin 1234] [--seed text] [--state card.bin] [--verbose]
 *
 * --state loads the card from a file written by a previous run (save() bytes) and
 * writes it back on exit (Ctrl-C), so the card keeps its memory between runs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadSimCard, type SimCard } from '../src/card-sim/index.ts';
import { createTestCard } from '../test/support/card.ts';
import { VPCD_DEFAULT_PORT } from '../src/protocol/vpcd.ts';
import { linkCardToVpcd } from './vpcd/connect.ts';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(VPCD_DEFAULT_PORT) },
    host: { type: 'string', default: '127.0.0.1' },
    'card-number': { type: 'string' },
    pin: { type: 'string' },
    seed: { type: 'string' },
    state: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`--port must be 1..65535, got ${values.port}`);

let card: SimCard;
if (values.state && existsSync(values.state)) {
  card = loadSimCard(new Uint8Array(readFileSync(values.state)), values.seed ? { seed: values.seed } : {});
} else {
  card = createTestCard({
    ...(values['card-number'] ? { cardNumber: values['card-number'] } : {}),
    ...(values.pin ? { pin: values.pin } : {}),
    ...(values.seed ? { seed: values.seed } : {}),
  });
}

const link = linkCardToVpcd(card, {
  host: values.host,
  port,
  onConnected: () => console.log(`vpcd-card: card inserted (connected to vpcd at ${values.host}:${port})`),
  onDisconnected: () => console.log('vpcd-card: vpcd closed the link; reconnecting'),
  onError: (e) => console.error(`vpcd-card: ${e.message}`),
  ...(values.verbose ? { onApdu: (c: Uint8Array, r: Uint8Array) => console.log(`> ${hex(c)}\n< ${hex(r)}`) } : {}),
});
console.log(`vpcd-card: waiting for vpcd on ${values.host}:${port} (is pcscd running with vsmartcard-vpcd?)`);

const stop = async () => {
  await link.close();
  if (values.state) writeFileSync(values.state, card.save());
  console.log('vpcd-card: card removed');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
