/**
 * Runs the real PC/SC clients against a reader and parses what they print:
 * pcsc-tools' scriptor (an APDU script file) and OpenSC's opensc-tool.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './daemons.ts';

export interface Exchange {
  command: string;
  /** Response data without SW1 SW2, as uppercase spaced hex. */
  data: string;
  sw: number;
}

const HEX_TOKENS = /\b[0-9A-Fa-f]{2}\b/g;

function toExchange(command: string, tokens: string[]): Exchange {
  const bytes = tokens.map((t) => t.toUpperCase());
  const sw = parseInt((bytes.at(-2) ?? 'FF') + (bytes.at(-1) ?? 'FF'), 16);
  return { command, data: bytes.slice(0, -2).join(' '), sw };
}

/** scriptor prints "> APDU", then "< bytes ... SW1 SW2 : text", 16 bytes a line. */
export function parseScriptor(out: string): Exchange[] {
  const result: Exchange[] = [];
  let command: string | undefined;
  let tokens: string[] | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('> ')) command = line.slice(2).trim();
    else if (line.startsWith('< ') && command !== undefined) tokens = [];
    if (tokens && command !== undefined && !line.startsWith('> ')) {
      const body = line.startsWith('< ') ? line.slice(2) : line;
      const colon = body.indexOf(' : ');
      tokens.push(...((colon >= 0 ? body.slice(0, colon) : body).match(HEX_TOKENS) ?? []));
      if (colon >= 0) {
        result.push(toExchange(command, tokens));
        tokens = undefined;
        command = undefined;
      }
    }
  }
  return result;
}

export async function scriptor(reader: string, apdus: string[]): Promise<{ exchanges: Exchange[]; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'icvault-scriptor-'));
  try {
    const file = join(dir, 'script.txt');
    writeFileSync(file, apdus.join('\n') + '\n');
    const r = await run('scriptor', ['-r', reader, file]);
    const output = r.stdout + r.stderr;
    if (r.code !== 0) throw new Error(`scriptor failed (exit ${r.code}):\n${output}`);
    return { exchanges: parseScriptor(output), output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The index opensc-tool gives a reader in `opensc-tool -l`. */
export async function openscReaderIndex(reader: string): Promise<number> {
  const r = await run('opensc-tool', ['-l']);
  for (const line of r.stdout.split('\n')) {
    const m = /^(\d+)\s/.exec(line);
    if (m?.[1] !== undefined && line.includes(reader)) return Number(m[1]);
  }
  throw new Error(`opensc-tool does not list "${reader}":\n${r.stdout}${r.stderr}`);
}

/** opensc-tool -s APDU... : "Received (SW1=0x90, SW2=0x00):" then a hex dump per APDU. */
export function parseOpenscSend(out: string): Exchange[] {
  const result: Exchange[] = [];
  const blocks = out.split(/^Sending: /m).slice(1);
  for (const b of blocks) {
    const [cmdLine = '', ...rest] = b.split('\n');
    const sw = /SW1=0x([0-9a-f]{2}), SW2=0x([0-9a-f]{2})/i.exec(b);
    const data = rest
      .filter((l) => !l.startsWith('Received'))
      .flatMap((l) => l.slice(0, 48).match(HEX_TOKENS) ?? [])
      .map((t) => t.toUpperCase());
    result.push({ command: cmdLine.trim(), data: data.join(' '), sw: sw ? parseInt(`${sw[1]}${sw[2]}`, 16) : -1 });
  }
  return result;
}

export async function openscSend(reader: string, apdus: string[]): Promise<Exchange[]> {
  const index = await openscReaderIndex(reader);
  const r = await run('opensc-tool', ['-r', String(index), ...apdus.flatMap((a) => ['-s', a])]);
  if (r.code !== 0) throw new Error(`opensc-tool failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  return parseOpenscSend(r.stdout);
}

export async function openscAtr(reader: string): Promise<string> {
  const index = await openscReaderIndex(reader);
  const r = await run('opensc-tool', ['-r', String(index), '-a']);
  if (r.code !== 0) throw new Error(`opensc-tool -a failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}
