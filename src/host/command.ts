/**
 * One card command: its name in the table (command-table.ts), the APDU, and how to read
 * the answer. Host operations build commands with `command(name, ...args)` and send them
 * through `send`, the one function outside the flows' CardLink that puts bytes on a
 * card (host/link.ts is the flows' own, with counting and cancel).
 */
import { encodeCommand, type CommandApdu } from '../protocol/apdu.ts';
import type { Transport } from '../protocol/transport.ts';
import { COMMANDS, type CommandName } from './command-table.ts';

type Entry<N extends CommandName> = (typeof COMMANDS)[N];

export interface Command<T> {
  readonly name: CommandName;
  readonly apdu: CommandApdu;
  parse(response: Uint8Array): T;
}

/** The arguments a command's parser needs besides the answer (BACKUP DATA TRANSFER: the page size). */
type Context<N extends CommandName> = Entry<N>['parseResponse'] extends (r: Uint8Array, ...c: infer C) => unknown ? C : never;

/** The command `name` with its arguments; throws the codec's error for arguments it refuses (nothing is sent). */
export function command<N extends CommandName>(name: N, ...args: Parameters<Entry<N>['getApdu']>): Command<ReturnType<Entry<N>['parseResponse']>> {
  return commandWith(name, args, ...([] as unknown as Context<N>));
}

/** As `command`, for a command whose parser needs context (`commandWith('BACKUP DATA TRANSFER', [ne], pageSize)`). */
export function commandWith<N extends CommandName>(
  name: N,
  args: Parameters<Entry<N>['getApdu']>,
  ...context: Context<N>
): Command<ReturnType<Entry<N>['parseResponse']>> {
  const codec = COMMANDS[name] as { getApdu(...a: unknown[]): CommandApdu; parseResponse(r: Uint8Array, ...c: unknown[]): unknown };
  return {
    name,
    apdu: codec.getApdu(...(args as unknown[])),
    parse: (r) => codec.parseResponse(r, ...(context as unknown[])) as ReturnType<Entry<N>['parseResponse']>,
  };
}

/** Send one command and read its answer (CardError for a refusal, with its status word). */
export async function send<T>(t: Transport, c: Command<T>, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  const response = await t.transmit(encodeCommand(c.apdu), signal ? { signal } : undefined);
  return c.parse(response);
}
