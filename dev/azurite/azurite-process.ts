// Starts Azurite (blob, queue, table) as a child process, for `npm start` and for the test global setup.
// One place knows how Azurite is launched, so the tests run the same emulator a person does.
// `npm start` runs it detached (its own process group) and reuses one already answering on its ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export interface RunningAzurite {
  ports: AzuritePorts;
  connectionString: string;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** Folder for persisted data; omit for in-memory storage (tests). */
  location?: string;
  /** Fixed ports (npm start); omit to pick free ones (tests). */
  ports?: AzuritePorts;
  host?: string;
  /**
   * Run Azurite in its own process group, with its output in `<location>/azurite.log` and its pid
   * in `<location>/azurite.pid` (npm start): a kill -9 of npm start's group then leaves it running,
   * with its last writes, for the next start to reuse. Needs `location`.
   */
  detached?: boolean;
}

export function azuriteConnectionString(ports: AzuritePorts, host = '127.0.0.1'): string {
  const base = (port: number) => `http://${host}:${port}/${AZURITE_ACCOUNT}`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=${base(ports.blob)}`,
    `QueueEndpoint=${base(ports.queue)}`,
    `TableEndpoint=${base(ports.table)}`,
  ].join(';');
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves when something accepts TCP connections on the port, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, host: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when the port can be bound on the host right now. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function azuriteMainScript(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
}

/** The Server header prefix each Azurite service answers with. */
const AZURITE_SERVERS: Record<keyof AzuritePorts, string> = {
  blob: 'Azurite-Blob',
  queue: 'Azurite-Queue',
  table: 'Azurite-Table',
};

/** True when all three ports answer as Azurite's services (an Azurite left running, to be reused). */
export async function azuriteAnswers(ports: AzuritePorts, host = '127.0.0.1'): Promise<boolean> {
  const checks = (Object.keys(AZURITE_SERVERS) as (keyof AzuritePorts)[]).map(async (service) => {
    try {
      const response = await fetch(`http://${host}:${ports[service]}/`, { signal: AbortSignal.timeout(3_000) });
      await response.body?.cancel();
      return (response.headers.get('server') ?? '').startsWith(AZURITE_SERVERS[service]);
    } catch {
      return false;
    }
  });
  return (await Promise.all(checks)).every(Boolean);
}

/** An Azurite this process did not start: used as it is, never stopped. */
export function existingAzurite(ports: AzuritePorts, host = '127.0.0.1'): RunningAzurite {
  return { ports, connectionString: azuriteConnectionString(ports, host), stop: () => Promise.resolve() };
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? {
    blob: await freePort(host),
    queue: await freePort(host),
    table: await freePort(host),
  };
  const args = [
    azuriteMainScript(),
    '--silent',
    '--skipApiVersionCheck',
    '--loose',
    '--disableProductStyleUrl',
    '--blobHost',
    host,
    '--blobPort',
    String(ports.blob),
    '--queueHost',
    host,
    '--queuePort',
    String(ports.queue),
    '--tableHost',
    host,
    '--tablePort',
    String(ports.table),
    ...(options.location ? ['--location', options.location] : ['--inMemoryPersistence']),
  ];
  let child: ChildProcess;
  let stderr = () => '';
  if (options.detached) {
    if (!options.location) throw new Error('a detached Azurite needs a data location');
    mkdirSync(options.location, { recursive: true });
    const logFile = path.join(options.location, 'azurite.log');
    // A file, not a pipe: a pipe would break (EPIPE) when npm start dies and take Azurite down with it.
    const log = openSync(logFile, 'a');
    child = spawn(process.execPath, args, { stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    child.unref();
    writeFileSync(path.join(options.location, 'azurite.pid'), `${child.pid}\n`);
    stderr = () => readFileSync(logFile, 'utf8').slice(-2_000);
  } else {
    child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    stderr = () => text;
  }
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Azurite exited early (code ${code}): ${stderr().trim()}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([
    Promise.all([
      waitForPort(ports.blob, host, 20_000),
      waitForPort(ports.queue, host, 20_000),
      waitForPort(ports.table, host, 20_000),
    ]),
    exited,
  ]);
  return {
    ports,
    connectionString: azuriteConnectionString(ports, host),
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
    },
  };
}
