/**
 * The lint rules that keep card talk out of the UI (eslint.config.js) fail on a protocol
 * import and on a card command in src/ui, and pass a host operation called through the services.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const messages = async (code: string, file = 'src/ui/components/Probe.tsx') =>
  (await eslint.lintText(code, { filePath: file }))[0]?.messages.map((m) => `${m.ruleId}: ${m.message}`) ?? [];

describe('lint keeps card talk out of src/ui', () => {
  it('refuses a protocol import', async () => {
    const m = await messages(`import { verifyPin } from '../../protocol/commands/index.ts';\nexport const x = verifyPin;\n`);
    expect(m.some((x) => x.startsWith('no-restricted-imports'))).toBe(true);
  });
  it('refuses a card command built, parsed or sent', async () => {
    for (const call of ['t.transmit(new Uint8Array(4))', "cmd.getApdu('1234')", 'cmd.parseResponse(r)', 'encodeCommand(c)']) {
      const m = await messages(`declare const t: any, cmd: any, r: any, c: any, encodeCommand: any;\nexport const x = () => ${call};\n`);
      expect(m.some((x) => x.startsWith('no-restricted-syntax'))).toBe(true);
    }
  });
  it('refuses card-sim outside the demo world', async () => {
    const m = await messages(`import { createSimCard } from '../../card-sim/index.ts';\nexport const x = createSimCard;\n`, 'src/ui/services/probe.ts');
    expect(m.some((x) => x.startsWith('no-restricted-imports'))).toBe(true);
  });
  it('lets the UI call a host operation through the services', async () => {
    const m = await messages(`import type { Services } from '../services/contract.ts';\nexport const read = (s: Services) => s.readCard();\n`);
    expect(m).toEqual([]);
  });
});
