// Triggers are thin (docs/architecture.md, "Triggers and their use cases"): every file in functions/
// takes exactly one named use case from the composition root and only parses its input and maps the
// result. Wiring (stores, queues, service locators) stays in shared/app.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildServices } from '../../../shared/app/composition-root.js';
import { loadConfig } from '../../../shared/app/config.js';

const FUNCTIONS = fileURLToPath(new URL('../../../functions/', import.meta.url));

/** Modules a trigger builds or reaches storage with: it must get them through its use case instead. */
const WIRING_IMPORT =
  /from '\.\.\/shared\/(adapters\/(azure-tables|azure-queues|key-vault|storage\/storage-clients)|app\/(?!composition-root|function-definitions))/;

async function triggers(): Promise<Array<{ file: string; code: string }>> {
  const files = (await readdir(FUNCTIONS)).filter((name) => name.endsWith('.ts')).sort();
  return Promise.all(files.map(async (file) => ({ file, code: await readFile(join(FUNCTIONS, file), 'utf8') })));
}

function useCasesCalled(code: string): string[] {
  return [...new Set([...code.matchAll(/useCases\(\)\.(\w+)/g)].map((match) => match[1]!))];
}

describe('triggers', () => {
  it('the composition root builds every use case without the settings a use case may lack', () => {
    // No MS_CLIENT_ID, no CONNECT_STATE_SECRET: /api/health must still start.
    const { useCases } = buildServices(loadConfig({}));
    expect(useCases.startConnect).toEqual({ ok: false, missing: ['MS_CLIENT_ID', 'CONNECT_STATE_SECRET'] });
    expect(typeof useCases.checkHealth).toBe('function');
  });

  it('each takes exactly one named use case and builds no wiring of its own', async () => {
    const names = Object.keys(buildServices(loadConfig({})).useCases);
    for (const { file, code } of await triggers()) {
      const called = useCasesCalled(code);
      expect({ file, called }).toEqual({ file, called: [expect.stringMatching(new RegExp(`^(${names.join('|')})$`))] });
      expect({ file, wiring: WIRING_IMPORT.exec(code)?.[0] }).toEqual({ file, wiring: undefined });
      expect({ file, locator: /getServices|new [A-Z]/.exec(code)?.[0] }).toEqual({ file, locator: undefined });
    }
  });

  it('every use case has a trigger', async () => {
    const called = new Set((await triggers()).flatMap(({ code }) => useCasesCalled(code)));
    expect(Object.keys(buildServices(loadConfig({})).useCases).filter((name) => !called.has(name))).toEqual([]);
  });
});
