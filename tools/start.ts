// `npm start`: the app (vite, opening the demo) and the demo issuer (issuer/main.ts on
// embedded PGlite in .icvault-issuer/) together; Ctrl-C stops both, and if one stops the
// other is stopped too.
import { spawn, type ChildProcess } from 'node:child_process';

const ISSUER_PORT = process.env['ISSUER_PORT'] ?? '8787';
const APP_ORIGIN = process.env['ISSUER_APP_ORIGIN'] ?? 'http://localhost:5173';
const ISSUER_URL = `http://127.0.0.1:${ISSUER_PORT}`;

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`start: ${name} stopped (${signal ?? code}); stopping the rest`);
      stopAll(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

function stopAll(code: number): void {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}

run('issuer', ['--import', 'tsx', 'issuer/main.ts'], {
  ISSUER_DEMO: '1',
  ISSUER_DATA_DIR: process.env['ISSUER_DATA_DIR'] ?? '.icvault-issuer/db',
  ISSUER_PORT,
  ISSUER_APP_ORIGIN: APP_ORIGIN,
});
run('app', ['node_modules/vite/bin/vite.js', '--open', '/?demo', ...process.argv.slice(2)], { VITE_ISSUER_URL: ISSUER_URL });

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
