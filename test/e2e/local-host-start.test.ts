// The "must show": `npm start` on a fresh checkout answers GET /api/health with 200, guards
// function-key routes with the generated key, creates
// local.settings.json with a function key and a token key (printing only the former), refuses a busy
// port in one line with exit code 1, and stops cleanly on SIGTERM.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitFor } from '../support/host-wait.js';
import {
  spawnStart,
  startEnvironment,
  stopProcess,
  type StartEnvironment,
  type StartedProcess,
} from '../support/host-process.js';

let environment: StartEnvironment;
let started: StartedProcess;

beforeAll(async () => {
  environment = await startEnvironment();
  started = spawnStart(environment.env);
});

afterAll(async () => {
  if (started) await stopProcess(started);
  if (environment) await rm(environment.workDir, { recursive: true, force: true });
});

describe('npm start (dev/start.ts)', () => {
  test('answers GET /api/health with 200 once ready', async () => {
    const healthUrl = `http://localhost:${environment.hostPort}/api/health`;
    const response = await waitFor(
      'the health endpoint',
      async () => {
        if (started.child.exitCode !== null) throw new Error(`start exited early:\n${started.output()}`);
        return fetch(healthUrl).catch(() => undefined);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    // The host answers as soon as it listens; the banner is printed just after.
    await waitFor('the printed health URL', () => started.output().includes(healthUrl), { timeoutMs: 10_000 });
  });

  test('a function-key route of the app refuses a request without the key, and serves one with it', async () => {
    // GET /api/kbs/{kbId}/sources is in the HTTP contract (docs/invariants.md) with function-key auth.
    const sourcesUrl = `http://localhost:${environment.hostPort}/api/kbs/kb-start-test/sources`;
    const settings = JSON.parse(readFileSync(environment.env.LOCAL_SETTINGS_PATH!, 'utf8')) as {
      Values: Record<string, string>;
    };
    const withoutKey = await fetch(sourcesUrl);
    expect(withoutKey.status).toBe(401);
    const withKey = await fetch(sourcesUrl, { headers: { 'x-functions-key': settings.Values.LOCAL_FUNCTION_KEY! } });
    expect(withKey.status).not.toBe(401);
    expect(withKey.status).toBeLessThan(500);
  });

  test('creates local.settings.json with a function key and a token key, printing only the function key', () => {
    const settings = JSON.parse(readFileSync(environment.env.LOCAL_SETTINGS_PATH!, 'utf8')) as {
      Values: Record<string, string>;
    };
    const functionKey = settings.Values.LOCAL_FUNCTION_KEY ?? '';
    const tokenKeys = settings.Values.LOCAL_TOKEN_KEYS ?? '';
    expect(functionKey.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(tokenKeys.replace(/^k1:/, ''), 'base64')).toHaveLength(32);
    expect(started.output()).toContain(functionKey);
    expect(started.output()).not.toContain(tokenKeys.replace(/^k1:/, ''));
  });

  test('starts a fake Open WebUI (no OPENWEBUI_BASE_URL) whose printed knowledge id and key a connector PUT accepts', async () => {
    const banner = /fake Open WebUI: (http:\/\/127\.0\.0\.1:\d+), knowledge id (\S+), API key (sk-\w+)/.exec(
      started.output(),
    );
    expect(banner).not.toBeNull();
    const [, baseUrl, knowledgeId, apiKey] = banner!;
    expect(baseUrl).toBe(`http://127.0.0.1:${environment.env.OPENWEBUI_FAKE_PORT}`);
    const state = JSON.parse(readFileSync(environment.env.OPENWEBUI_FAKE_STATE_FILE!, 'utf8')) as Record<
      string,
      string
    >;
    expect(state).toEqual({ apiKey, knowledgeId });
    const settings = JSON.parse(readFileSync(environment.env.LOCAL_SETTINGS_PATH!, 'utf8')) as {
      Values: Record<string, string>;
    };
    const url = `http://localhost:${environment.hostPort}/api/kbs/kb-start-owui/connectors/openwebui`;
    const headers = { 'x-functions-key': settings.Values.LOCAL_FUNCTION_KEY!, 'content-type': 'application/json' };
    const put = await fetch(url, { method: 'PUT', headers, body: JSON.stringify({ knowledgeId, apiKey }) });
    const text = await put.text();
    expect(put.status, text).toBe(201);
    expect(text).not.toContain(apiKey);
    const wrongKey = await fetch(url, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ knowledgeId, apiKey: 'sk-0000000000000000' }),
    });
    expect(wrongKey.status).toBe(400);
  });

  test('a second start on the same port exits 1 with one line naming the port and LOCAL_HOST_PORT', async () => {
    const clash = spawnStart({ ...environment.env, AZURITE_LOCATION: `${environment.workDir}/azurite-clash` });
    const code = await clash.exited;
    expect(code).toBe(1);
    const lines = clash
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`port ${environment.hostPort}`);
    expect(lines[0]).toContain('LOCAL_HOST_PORT');
  });

  test('SIGTERM stops it gracefully with exit code 0', async () => {
    expect(await stopProcess(started)).toBe(0);
    await expect(fetch(`http://127.0.0.1:${environment.hostPort}/api/health`)).rejects.toThrow();
  });
});
