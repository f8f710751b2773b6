// Runs `dev/start.ts` (what `npm start` runs) as a child process on free ports, with its own
// settings file and Azurite folder, so it cannot collide with a developer's running `npm start`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../dev/azurite/azurite-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StartedProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export interface StartEnvironment {
  env: Record<string, string>;
  workDir: string;
  hostPort: number;
}

export async function startEnvironment(): Promise<StartEnvironment> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'kb-sync-start-'));
  const hostPort = await freePort();
  return {
    workDir,
    hostPort,
    env: {
      LOCAL_HOST_PORT: String(hostPort),
      AZURITE_BLOB_PORT: String(await freePort()),
      AZURITE_QUEUE_PORT: String(await freePort()),
      AZURITE_TABLE_PORT: String(await freePort()),
      SANDBOX_PORT: String(await freePort()),
      AZURITE_LOCATION: path.join(workDir, 'azurite'),
      SANDBOX_STATE_FILE: path.join(workDir, 'sandbox', 'tenant.json'),
      OPENWEBUI_FAKE_PORT: String(await freePort()),
      OPENWEBUI_FAKE_STATE_FILE: path.join(workDir, 'sandbox', 'openwebui.json'),
      LOCAL_SETTINGS_PATH: path.join(workDir, 'local.settings.json'),
    },
  };
}

/**
 * Spawns `node --import tsx dev/start.ts` (one process, so signals reach it directly). `ownGroup`
 * puts it in a process group of its own, as a terminal does with `npm start`, so a test can kill
 * the whole group.
 */
export function spawnStart(env: Record<string, string>, { ownGroup = false } = {}): StartedProcess {
  const inherited = { ...process.env };
  // A developer's tenant settings must not leak into the test run: it should use the sandbox.
  for (const name of [
    'MS_TENANT_ID',
    'MS_CLIENT_ID',
    'MS_CLIENT_SECRET',
    'LOCAL_FUNCTION_KEY',
    'LOCAL_TOKEN_KEYS',
    'OPENWEBUI_BASE_URL',
  ]) {
    delete inherited[name];
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownGroup,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Stops the child with SIGTERM (its graceful path), SIGKILL after a bound. */
export async function stopProcess(started: StartedProcess, graceMs = 15_000): Promise<number | null> {
  if (started.child.exitCode !== null) return started.child.exitCode;
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), graceMs);
  const code = await started.exited;
  clearTimeout(timer);
  return code;
}
