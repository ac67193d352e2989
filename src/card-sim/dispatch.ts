/**
 * One APDU in, one response out, never an exception (DESIGN.md property): length
 * coding, CLA, command chaining (ISO 7816-4 §5.4.1), 61xx/GET RESPONSE (§5.3.4), then
 * the OS command table or the selected application.
 */
import { decodeCommand, encodeResponse, type DecodedCommand } from '../protocol/apdu.ts';
import { CLA_CHAIN_BIT, CLA_ISO, CLA_PROPRIETARY, INS } from '../protocol/commands/codes.ts';
import { SW } from '../protocol/status-words.ts';
import { processAppCommand } from './handlers/app.ts';
import { OS_COMMANDS } from './handlers/table.ts';
import type { CardOs } from './os.ts';
import { Refusal, reply, type Reply } from './session.ts';

/** Longest chained command data the card accepts (a whole 64 KiB restore segment and a bit). */
const CHAIN_LIMIT = 70_000;

export function transmit(os: CardOs, apdu: Uint8Array): Uint8Array {
  const cmd = decodeCommand(apdu);
  const out = (r: Reply) => encodeResponse(r);
  if (!cmd.ok) return out(reply(undefined, SW.WRONG_LENGTH));
  const c = cmd.value;
  const base = c.cla & ~CLA_CHAIN_BIT;
  if (base !== CLA_ISO && base !== CLA_PROPRIETARY) return out(reply(undefined, SW.CLA_NOT_SUPPORTED));
  if (c.extended && !os.link.extendedLength) return out(reply(undefined, SW.WRONG_LENGTH));

  if (base === CLA_ISO && c.ins === INS.GET_RESPONSE) return out(getResponse(os, c));
  os.session.pendingOut = undefined;

  const whole = chain(os, c);
  if (!whole) return out(reply());
  if ('sw' in whole) return out(whole);
  return out(answer(os, whole, run(os, whole)));
}

/** Collects chained commands; answers 9000 for each link, the whole command for the last. */
function chain(os: CardOs, c: DecodedCommand): DecodedCommand | Reply | undefined {
  const key = ((c.cla & ~CLA_CHAIN_BIT) << 24) | (c.ins << 16) | (c.p1 << 8) | c.p2;
  const s = os.session;
  if (s.chain && s.chain.key !== key) {
    s.chain = undefined;
    return reply(undefined, SW.LAST_COMMAND_EXPECTED);
  }
  if (c.cla & CLA_CHAIN_BIT) {
    const ch = s.chain ?? { key, parts: [], length: 0 };
    ch.parts.push(c.data);
    ch.length += c.data.length;
    s.chain = ch.length > CHAIN_LIMIT ? undefined : ch;
    return ch.length > CHAIN_LIMIT ? reply(undefined, SW.WRONG_LENGTH) : undefined;
  }
  if (!s.chain) return c;
  const data = new Uint8Array(s.chain.length + c.data.length);
  let o = 0;
  for (const p of [...s.chain.parts, c.data]) {
    data.set(p, o);
    o += p.length;
  }
  s.chain = undefined;
  return { ...c, cla: c.cla & ~CLA_CHAIN_BIT, data };
}

function run(os: CardOs, c: DecodedCommand): Reply {
  try {
    const handler = OS_COMMANDS.get(((c.cla & ~CLA_CHAIN_BIT) << 8) | c.ins);
    if (handler) return handler(os, c);
    if (os.session.selected !== undefined) return processAppCommand(os, c);
    return reply(undefined, SW.INS_NOT_SUPPORTED);
  } catch (e) {
    if (os.eeprom.powerLost) throw e; // the injected power cut: the card is off now
    if (e instanceof Refusal) return reply(undefined, e.sw);
    // A bug in the card: answer, never throw (and the failed write group was discarded).
    return reply(undefined, SW.NO_PRECISE_DIAGNOSIS);
  }
}

/** Answers longer than Ne wait in the response buffer: 61xx, then GET RESPONSE. */
function answer(os: CardOs, c: DecodedCommand, r: Reply): Reply {
  const ne = c.ne === 0 ? 256 : c.ne;
  if (r.data.length <= ne) return r;
  os.session.pendingOut = { data: r.data.slice(ne), sw: r.sw };
  return reply(r.data.slice(0, ne), remainingSw(r.data.length - ne));
}

const remainingSw = (n: number) => 0x6100 | (n >= 256 ? 0 : n);

function getResponse(os: CardOs, c: DecodedCommand): Reply {
  const p = os.session.pendingOut;
  if (c.p1 !== 0 || c.p2 !== 0) return reply(undefined, SW.INCORRECT_P1P2);
  if (!p || c.data.length > 0) {
    os.session.pendingOut = undefined;
    return reply(undefined, SW.CONDITIONS_NOT_SATISFIED);
  }
  const ne = c.ne === 0 ? 256 : c.ne;
  if (p.data.length <= ne) {
    os.session.pendingOut = undefined;
    return reply(p.data, p.sw);
  }
  os.session.pendingOut = { data: p.data.slice(ne), sw: p.sw };
  return reply(p.data.slice(0, ne), remainingSw(p.data.length - ne));
}
