// The architecture rule of eslint.config.js (docs/architecture.md): shared/core imports no adapter,
// provider or app module and no vendor SDK. Linted through ESLint's Node API with the project's real
// config; type-aware rules are switched off here (the rule needs no types, and a probe file that is
// not on disk has no TypeScript project), so only what the rule itself reports is looked at.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RULE = 'no-restricted-imports';
/** A file that does not exist: any new file of core is under the rule, not only today's. */
const PROBE = 'shared/core/sync/architecture-probe.ts';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: join(ROOT, 'eslint.config.js'),
    overrideConfig: [{ files: ['shared/core/**/*.ts'], ...(tseslint.configs.disableTypeChecked as Linter.Config) }],
  });
});

async function ruleErrors(code: string, filePath: string): Promise<Array<{ line: number; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  const fatal = result!.messages.filter((message) => message.fatal);
  expect(fatal).toEqual([]);
  return result!.messages
    .filter((message) => message.ruleId === RULE)
    .map((message) => ({ line: message.line, message: message.message }));
}

async function coreFiles(dir = join(ROOT, 'shared/core')): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await coreFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(relative(ROOT, path));
  }
  return out.sort();
}

describe('shared/core imports only core', () => {
  it('reports imports of adapters, providers, app and vendor SDKs in any core file', async () => {
    const code = [
      "import type { SourceStore } from '../../adapters/azure-tables/source-store.js';",
      "import { GraphClient } from '../../providers/microsoft/graph/graph-client.js';",
      "import type { Config } from '../../app/config.js';",
      "import { TableClient } from '@azure/data-tables';",
      "import { Client } from '@microsoft/microsoft-graph-client';",
      "import { drive } from '@googleapis/drive';",
      "import { OAuth2Client } from 'google-auth-library';",
      "export { sendJson } from '../../adapters/azure-queues/queue-writer.js';",
      'export type Used = [SourceStore, GraphClient, Config, TableClient, Client, typeof drive, OAuth2Client];',
    ].join('\n');
    const errors = await ruleErrors(code, PROBE);
    expect(errors.map((error) => error.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(errors[0]!.message).toContain('core uses ports');
    expect(errors[3]!.message).toContain('vendor SDKs');
  });

  it('reports imports of the host-product integrations (Open WebUI) in any core file', async () => {
    const code = [
      "import { OpenWebUiClient } from '../../integrations/openwebui/openwebui-client.js';",
      'export type Used = OpenWebUiClient;',
    ].join('\n');
    const errors = await ruleErrors(code, PROBE);
    expect(errors.map((error) => error.line)).toEqual([1]);
    expect(errors[0]!.message).toContain('host-product integrations');
  });

  it("lets core import its own modules, zod and Node's built-ins", async () => {
    const code = [
      "import { randomUUID } from 'node:crypto';",
      "import { z } from 'zod';",
      "import type { Logger } from '../ports/logger.js';",
      "import type { SourceKey } from '../domain/source.js';",
      'export type Used = [typeof randomUUID, typeof z, Logger, SourceKey];',
    ].join('\n');
    expect(await ruleErrors(code, PROBE)).toEqual([]);
  });

  it('every file in shared/core passes the rule', async () => {
    const files = await coreFiles();
    expect(files.length).toBeGreaterThan(50);
    const results = await eslint.lintFiles(files);
    const violations = results.flatMap((result) =>
      result.messages
        .filter((message) => message.ruleId === RULE || message.fatal)
        .map((message) => `${relative(ROOT, result.filePath)}:${message.line}: ${message.message}`),
    );
    expect(violations).toEqual([]);
  });
});

describe('exemptions', () => {
  /** Core files whose rule options let `providers/` through. */
  async function filesAllowedProviders(): Promise<string[]> {
    const allowed: string[] = [];
    for (const file of await coreFiles()) {
      const config = (await eslint.calculateConfigForFile(join(ROOT, file))) as Linter.Config;
      if (!JSON.stringify(config.rules?.[RULE]).includes('**/providers/**')) allowed.push(file);
    }
    return allowed;
  }

  it('no core file is exempt: the rule forbids providers in every one', async () => {
    expect(await filesAllowedProviders()).toEqual([]);
  });
});
