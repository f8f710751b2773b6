// The fake Open WebUI of a local run (`npm start` without OPENWEBUI_BASE_URL), so the connector can
// be tried with curl: one user and one knowledge base, whose API key and id are kept in
// .sandbox/openwebui.json (OPENWEBUI_FAKE_STATE_FILE) so a connector PUT before a restart still
// works after it. The files themselves are in memory and end with the run (docs/open-webui.md).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { startFakeOpenWebUi, type FakeOpenWebUi } from './fake-openwebui.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const stateSchema = z.object({
  apiKey: z.string().regex(/^sk-[A-Za-z0-9]{8,}$/),
  knowledgeId: z.string().min(1),
});
export type LocalOpenWebUiState = z.infer<typeof stateSchema>;

export interface LocalOpenWebUi {
  fake: FakeOpenWebUi;
  baseUrl: string;
  apiKey: string;
  knowledgeId: string;
  stateFile: string;
  stop(): Promise<void>;
}

/** OPENWEBUI_FAKE_STATE_FILE, else .sandbox/openwebui.json (gitignored with the rest of .sandbox/). */
export function localOpenWebUiStateFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.OPENWEBUI_FAKE_STATE_FILE || path.join(repoRoot, '.sandbox', 'openwebui.json');
}

function loadOrCreateState(file: string): LocalOpenWebUiState {
  try {
    return stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`${file} is not a local Open WebUI state file; delete it for a new one`);
    }
  }
  const state = { apiKey: `sk-${randomUUID().replace(/-/g, '')}`, knowledgeId: randomUUID() };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return state;
}

export async function startLocalOpenWebUi(
  port: number,
  stateFile = localOpenWebUiStateFile(),
): Promise<LocalOpenWebUi> {
  const state = loadOrCreateState(stateFile);
  const fake = await startFakeOpenWebUi({ processingDelayMs: 50 }, { port });
  const user = fake.addUser('user', state.apiKey);
  fake.createKnowledge(user, 'KB Sync local', state.knowledgeId);
  return { fake, baseUrl: fake.baseUrl, ...state, stateFile, stop: () => fake.stop() };
}
