// The local stand-in for `func start`: serves HTTP functions, polls queue functions against Azurite
// and runs timers, all from the same definitions functions/ registers with the real host
// (shared/app/function-definitions.ts). What it does and does not emulate: docs/local-host.md.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueueServiceClient } from '@azure/storage-queue';
import { formatLogLine } from '../../shared/adapters/logging/logger.js';
import { registerSecret } from '../../shared/core/logging/redact.js';
import type {
  FunctionDefinition,
  HttpFunctionDefinition,
  QueueFunctionDefinition,
  TimerFunctionDefinition,
} from '../../shared/app/function-definitions.js';
import { poisonQueueName } from '../../shared/adapters/storage/names.js';
import type { ResponseObserver } from './response-observer.js';
import { readHostJson, type HostJsonQueues } from './host-json.js';
import { createHttpDispatcher } from './http-dispatcher.js';
import { InFlight } from './in-flight.js';
import { stdoutSink, type LineSink } from './invocation-context.js';
import { DEFAULT_LOCAL_HOST_PORT } from './local-settings.js';
import { startQueuePoller, type RunningQueuePoller } from './queue-poller.js';
import { AZURE_MAX_REQUEST_BODY_BYTES } from './request-body.js';
import { startTimerScheduler, type RunningTimer } from './timer-scheduler.js';

export { DEFAULT_LOCAL_HOST_PORT };

export interface LocalHostOptions {
  definitions: readonly FunctionDefinition[];
  /** Default 7071, as `func start`; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the local host is never exposed beyond this machine. */
  host?: string;
  storageConnectionString: string;
  /** The key authLevel 'function' routes require (header x-functions-key or query code). */
  functionKey: string;
  /**
   * The master key authLevel 'admin' routes require (and that 'function' routes accept too, as the
   * Functions host does). Unset: admin routes answer 401.
   */
  adminKey?: string;
  /** Overrides for host.json `extensions.queues` (read from the repository's host.json). */
  hostJson?: Partial<HostJsonQueues>;
  /** Default 100 MB, Azure's limit; larger bodies get 413. */
  maxRequestBodyBytes?: number;
  /** App settings for `%SETTING%` timer schedules; default process.env. */
  env?: Record<string, string | undefined>;
  /** Where log lines go; default stdout. */
  log?: LineSink;
  /** Sees every HTTP answer; for tests that check answers against the OpenAPI document. */
  onResponse?: ResponseObserver;
}

export interface RunningLocalHost {
  /** e.g. http://127.0.0.1:7071 (routes live under /api). */
  baseUrl: string;
  /** Stops accepting and polling, waits for running invocations, then resolves. */
  stop(): Promise<void>;
}

const byKind = <K extends FunctionDefinition['kind']>(definitions: readonly FunctionDefinition[], kind: K) =>
  definitions.filter((definition): definition is Extract<FunctionDefinition, { kind: K }> => definition.kind === kind);

export async function startLocalHost(options: LocalHostOptions): Promise<RunningLocalHost> {
  const sink = options.log ?? stdoutSink;
  registerSecret(options.functionKey);
  if (options.adminKey) registerSecret(options.adminKey);
  const hostJson = readHostJson();
  const queueSettings: HostJsonQueues = { ...hostJson.queues, ...options.hostJson };

  const httpInFlight = new InFlight();
  const dispatcher = createHttpDispatcher({
    definitions: byKind(options.definitions, 'http') satisfies HttpFunctionDefinition[],
    functionKey: options.functionKey,
    adminKey: options.adminKey,
    maxRequestBodyBytes: options.maxRequestBodyBytes ?? AZURE_MAX_REQUEST_BODY_BYTES,
    inFlight: httpInFlight,
    sink,
    routePrefix: hostJson.routePrefix,
    onResponse: options.onResponse,
  });
  const server = createServer(dispatcher);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_LOCAL_HOST_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const timers: RunningTimer[] = [];
  const pollers: RunningQueuePoller[] = [];
  const queueService = QueueServiceClient.fromConnectionString(options.storageConnectionString);
  try {
    for (const definition of byKind(options.definitions, 'timer') satisfies TimerFunctionDefinition[]) {
      timers.push(startTimerScheduler({ definition, env: options.env ?? process.env, sink }));
    }
    for (const definition of byKind(options.definitions, 'queue') satisfies QueueFunctionDefinition[]) {
      pollers.push(
        await startQueuePoller({
          definition,
          queue: queueService.getQueueClient(definition.queueName),
          poisonQueue: queueService.getQueueClient(poisonQueueName(definition.queueName)),
          settings: queueSettings,
          sink,
        }),
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  async function stopAll(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive sockets would hold close() open; busy ones finish their response first.
    server.closeIdleConnections();
    await Promise.all([
      ...pollers.map((poller) => poller.stop()),
      ...timers.map((timer) => timer.stop()),
      httpInFlight.allSettled(),
    ]);
    server.closeIdleConnections();
    await closed;
  }

  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  sink(
    formatLogLine('local_host.started', {
      port,
      functions: options.definitions.map((definition) => `${definition.kind}:${definition.name}`),
    }),
  );
  let stopping: Promise<void> | undefined;
  return {
    baseUrl: `http://${hostForUrl}:${port}`,
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}
