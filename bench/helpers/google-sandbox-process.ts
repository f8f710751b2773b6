// Starts bench/helpers/google-sandbox-child.ts under tsx; its control API is called over HTTP with
// the method's arguments as a JSON array (dev/sandbox/google/google-control.ts).
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GoogleSandbox } from '../../dev/sandbox/google/google-sandbox.js';

export type GoogleSandboxProcess = Pick<
  GoogleSandbox,
  'baseUrl' | 'driveRootUrl' | 'oauth' | 'clientId' | 'clientSecret'
> & {
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  stop(): void;
};

export async function startGoogleSandboxProcess(): Promise<GoogleSandboxProcess> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'google-sandbox-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<Omit<GoogleSandboxProcess, 'call' | 'stop'>>((resolve, reject) => {
    child.once('message', (message) => resolve(message as Omit<GoogleSandboxProcess, 'call' | 'stop'>));
    child.once('exit', (code) => reject(new Error(`Google sandbox process exited (${code})`)));
  });
  const call = async <T>(method: string, ...args: unknown[]): Promise<T> => {
    const response = await fetch(`${info.baseUrl}/_sandbox/google/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    const body = (await response.json()) as { result?: T; error?: string };
    if (!response.ok) throw new Error(`control ${method}: ${body.error ?? response.status}`);
    return body.result as T;
  };
  return { ...info, call, stop: () => child.disconnect() };
}
