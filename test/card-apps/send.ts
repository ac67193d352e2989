/** Send a command to an application the way the card would receive it: encoded, then decoded. */
import { decodeCommand, encodeCommand, encodeResponse, type CommandApdu } from '../../src/protocol/apdu.ts';
import { unwrap } from '../../src/protocol/result.ts';
import type { CardApplication } from '../../src/card-sim/app-api.ts';
import type { TestContext } from './context.ts';

export interface Sent {
  sw: number;
  data: Uint8Array;
  /** data || SW1 SW2, what parseResponse takes. */
  bytes: Uint8Array;
}

export function send(app: CardApplication, ctx: TestContext, cmd: CommandApdu): Sent {
  const r = app.process(unwrap(decodeCommand(encodeCommand(cmd))), ctx);
  return { sw: r.sw, data: r.data, bytes: encodeResponse(r) };
}

/** The date every test command carries (the card has no clock). */
export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
