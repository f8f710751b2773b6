// Issue 10 item 10 (a, b), as a new user would: `npm start`, register a source, kill -9 the whole
// `npm start` process group, start again (the sandbox now on another port), and the source still
// syncs with the grant it had: the sandbox tenant came back from its state file, and Azurite
// survived in its own process group and is reused, with the data written before the kill.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { azuriteAnswers, freePort, type AzuritePorts } from '../../dev/azurite/azurite-process.js';
import { SandboxControlClient } from '../../dev/sandbox/control/control-client.js';
import { waitFor } from '../support/host-wait.js';
import { spawnStart, startEnvironment, stopProcess, type StartedProcess } from '../support/host-process.js';

const environment = await startEnvironment();
const processes: StartedProcess[] = [];
const ports: AzuritePorts = {
  blob: Number(environment.env.AZURITE_BLOB_PORT),
  queue: Number(environment.env.AZURITE_QUEUE_PORT),
  table: Number(environment.env.AZURITE_TABLE_PORT),
};
const hostUrl = `http://localhost:${environment.hostPort}/api`;

afterAll(async () => {
  for (const started of processes) await stopProcess(started);
  // The Azurite npm start left running (by design) is ours to stop.
  const pidFile = path.join(environment.env.AZURITE_LOCATION!, 'azurite.pid');
  try {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid, 'SIGTERM');
    // Azurite still writes its folder while it stops: wait (bounded) until it is gone before removing it.
    await waitFor('Azurite to exit', () => !isRunning(pid), { timeoutMs: 10_000, intervalMs: 100 }).catch(
      () => undefined,
    );
  } catch {
    // already gone
  }
  await rm(environment.workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startAndWait(env: Record<string, string>): Promise<{ started: StartedProcess; sandboxUrl: string }> {
  const started = spawnStart(env, { ownGroup: true });
  processes.push(started);
  const banner = await waitFor(
    'npm start to be ready',
    () => {
      if (started.child.exitCode !== null) throw new Error(`start exited early:\n${started.output()}`);
      return started.output().includes('ready; Ctrl+C stops') && started.output();
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  const sandboxUrl = /sandbox tenant: (https:\/\/\S+)/.exec(banner)?.[1];
  if (!sandboxUrl) throw new Error(`no sandbox URL in:\n${banner}`);
  return { started, sandboxUrl };
}

function functionKey(): string {
  const settings = JSON.parse(readFileSync(environment.env.LOCAL_SETTINGS_PATH!, 'utf8')) as {
    Values: Record<string, string>;
  };
  return settings.Values.LOCAL_FUNCTION_KEY!;
}

async function api(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${hostUrl}${pathAndQuery}`, {
    ...init,
    headers: { 'x-functions-key': functionKey(), 'content-type': 'application/json', ...init.headers },
  });
}

async function feedNames(): Promise<string[]> {
  const response = await api('/kbs/kb-restart/changes?limit=100');
  if (response.status !== 200) return [];
  const body = (await response.json()) as { events: { name: string }[] };
  return body.events.map((event) => event.name);
}

describe('npm start across a kill -9 and a restart', () => {
  it('keeps the sandbox tenant and Azurite, so a registered source still syncs', async () => {
    const first = await startAndWait(environment.env);
    const control = new SandboxControlClient(first.sandboxUrl);
    const tenant = await control.tenant();
    await control.createFile(tenant.defaultDriveId, tenant.defaultDriveRootId, 'before.txt', 'written before');
    const { refreshToken } = await control.issueRefreshToken({
      userId: tenant.defaultUserId,
      scopes: ['Files.Read.All'],
    });
    const put = await api('/kbs/kb-restart/sources/drive-1', {
      method: 'PUT',
      body: JSON.stringify({ type: 'onedrive', drive: { driveId: tenant.defaultDriveId }, refreshToken }),
    });
    expect(put.status, await put.text()).toBe(201);
    await waitFor('before.txt in the feed', async () => (await feedNames()).includes('before.txt'), {
      timeoutMs: 60_000,
      intervalMs: 300,
    });

    // kill -9 of npm start's whole process group (what closing a terminal hard does).
    process.kill(-first.started.child.pid!, 'SIGKILL');
    await first.started.exited;
    expect(await azuriteAnswers(ports)).toBe(true);

    const second = await startAndWait({ ...environment.env, SANDBOX_PORT: String(await freePort()) });
    expect(second.sandboxUrl).not.toBe(first.sandboxUrl);
    expect(second.started.output()).toContain('Azurite: reusing the one already running');
    const again = new SandboxControlClient(second.sandboxUrl);
    expect(await again.tenant()).toEqual(tenant);
    await again.createFile(tenant.defaultDriveId, tenant.defaultDriveRootId, 'after.txt', 'written after');
    expect((await api('/kbs/kb-restart/sources/drive-1/sync', { method: 'POST' })).status).toBe(202);
    await waitFor('after.txt in the feed', async () => (await feedNames()).includes('after.txt'), {
      timeoutMs: 60_000,
      intervalMs: 300,
    });
    const status = (await (await api('/kbs/kb-restart/sources/drive-1')).json()) as { state: string };
    expect(status.state).toBe('active');
    expect(await stopProcess(second.started)).toBe(0);
  });
});
