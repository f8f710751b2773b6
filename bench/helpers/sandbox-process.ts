// Starts bench/helpers/sandbox-child.ts under tsx and waits for its URLs.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxControlClient } from '../../dev/sandbox/control/control-client.js';
import type { Sandbox } from '../../dev/sandbox/sandbox.js';

/** The in-process sandbox's URLs and confidential client, with a control client over HTTP. */
export interface SandboxProcess extends Pick<
  Sandbox,
  'baseUrl' | 'graphBaseUrl' | 'authorityHost' | 'tenantId' | 'clientId' | 'clientSecret' | 'defaultUserId'
> {
  control: SandboxControlClient;
  stop(): void;
}

export async function startSandboxProcess(): Promise<SandboxProcess> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'sandbox-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<Omit<SandboxProcess, 'control' | 'stop'>>((resolve, reject) => {
    child.once('message', (message) => resolve(message as Omit<SandboxProcess, 'control' | 'stop'>));
    child.once('exit', (code) => reject(new Error(`sandbox process exited (${code})`)));
  });
  return { ...info, control: new SandboxControlClient(info.baseUrl), stop: () => child.disconnect() };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Samples this process's RSS until stopped; returns the peak in MB. */
export function rssSampler(intervalMs = 50): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 1_048_576);
    },
  };
}
