// How a local run (`npm start`, `npm run sandbox`) sets the sandbox tenant up, in one place: the
// documented port 7443 unless busy, the state file that keeps the tenant across restarts, and the
// connect callback URLs it registers as the app's redirect URIs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, isPortFree } from '../azurite/azurite-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEFAULT_SANDBOX_PORT = 7443;

/** SANDBOX_STATE_FILE, else .sandbox/tenant.json (gitignored). */
export function sandboxStateFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.SANDBOX_STATE_FILE || path.join(repoRoot, '.sandbox', 'tenant.json');
}

/**
 * SANDBOX_PORT when set (it must be free: the caller said so); else 7443, or a free port when 7443
 * is busy, with a note for the banner. Throws with one line naming the setting on a clash.
 */
export function chooseSandboxPort(env: NodeJS.ProcessEnv = process.env): Promise<{ port: number; note: string }> {
  return choosePort('SANDBOX_PORT', DEFAULT_SANDBOX_PORT, 'sandbox tenant', env);
}

export const DEFAULT_GOOGLE_SANDBOX_PORT = 7444;

/** The same rule for the Google sandbox: GOOGLE_SANDBOX_PORT, else 7444 unless busy. */
export function chooseGoogleSandboxPort(env: NodeJS.ProcessEnv = process.env): Promise<{ port: number; note: string }> {
  return choosePort('GOOGLE_SANDBOX_PORT', DEFAULT_GOOGLE_SANDBOX_PORT, 'Google sandbox', env);
}

export const DEFAULT_OPENWEBUI_FAKE_PORT = 7445;

/** The same rule for the local fake Open WebUI: OPENWEBUI_FAKE_PORT, else 7445 unless busy. */
export function chooseOpenWebUiFakePort(env: NodeJS.ProcessEnv = process.env): Promise<{ port: number; note: string }> {
  return choosePort('OPENWEBUI_FAKE_PORT', DEFAULT_OPENWEBUI_FAKE_PORT, 'fake Open WebUI', env);
}

async function choosePort(
  setting: string,
  fallback: number,
  what: string,
  env: NodeJS.ProcessEnv,
): Promise<{ port: number; note: string }> {
  const raw = env[setting];
  if (raw) {
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${setting} must be a port number`);
    if (!(await isPortFree(port))) {
      throw new Error(
        `port ${port} (${what}) is already in use: stop whatever listens there (e.g. \`lsof -i :${port}\`, another \`npm start\`) or set ${setting} to another port`,
      );
    }
    return { port, note: '' };
  }
  if (await isPortFree(fallback)) return { port: fallback, note: '' };
  return { port: await freePort(), note: ` (port ${fallback} is busy, so another one this run)` };
}

/** The connect callback as a browser on this machine reaches the local host (and PUBLIC_BASE_URL's, when set). */
export function localCallbackUrls(hostPort: number, publicBaseUrl = process.env.PUBLIC_BASE_URL): string[] {
  const urls = ['localhost', '127.0.0.1'].map((host) => `http://${host}:${hostPort}/api/connect/callback`);
  if (publicBaseUrl) urls.push(`${publicBaseUrl.replace(/\/$/, '')}/api/connect/callback`);
  return urls;
}
