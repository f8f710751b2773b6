// Each trigger is defined exactly once, here, and the same definition is registered with the real
// Functions host (app.http / app.storageQueue / app.timer) and read by the local host (dev/host).
// A test (test/unit/function-registry.test.ts) proves the two sets cannot drift apart.
import { app } from '@azure/functions';
import type { HttpHandler, HttpMethod, StorageQueueHandler, TimerHandler } from '@azure/functions';
import { answeringStorageOutages } from '../adapters/http/storage-outage-answer.js';

// Without this the Functions host buffers every HTTP body whole in memory (content downloads included).
// It must run before the first registration, and every registration goes through this module, so
// calling it at import time guarantees the order.
app.setup({ enableHttpStream: true });

/** Name of the app setting that holds the storage connection, as the Functions host resolves it. */
export const STORAGE_CONNECTION = 'AzureWebJobsStorage';

export interface HttpFunctionDefinition {
  kind: 'http';
  name: string;
  methods: HttpMethod[];
  /** Route below the `api/` prefix, with `{param}` segments, as the Functions host reads it. */
  route: string;
  /** 'admin' routes need the host's master key (operators only; docs/operations.md). */
  authLevel: 'anonymous' | 'function' | 'admin';
  handler: HttpHandler;
}

export interface QueueFunctionDefinition {
  kind: 'queue';
  name: string;
  queueName: string;
  handler: StorageQueueHandler;
}

export interface TimerFunctionDefinition {
  kind: 'timer';
  name: string;
  /** Six-field NCRONTAB, or `%SETTING%` naming an app setting that holds one. */
  schedule: string;
  runOnStartup: boolean;
  handler: TimerHandler;
}

export type FunctionDefinition = HttpFunctionDefinition | QueueFunctionDefinition | TimerFunctionDefinition;

const definitions: FunctionDefinition[] = [];

/** Every function defined so far in this process (the local host reads this after importing functions/). */
export function definedFunctions(): readonly FunctionDefinition[] {
  return definitions;
}

function remember<T extends FunctionDefinition>(definition: T): T {
  if (definitions.some((existing) => existing.name === definition.name)) {
    throw new Error(`function "${definition.name}" is defined twice`);
  }
  definitions.push(definition);
  return definition;
}

/** The handler is wrapped once, here, so that Azure and the local host both answer storage outages with 503. */
export function defineHttpFunction(definition: Omit<HttpFunctionDefinition, 'kind'>): HttpFunctionDefinition {
  const defined = remember({ kind: 'http', ...definition, handler: answeringStorageOutages(definition.handler) });
  app.http(defined.name, {
    methods: defined.methods,
    route: defined.route,
    authLevel: defined.authLevel,
    handler: defined.handler,
  });
  return defined;
}

export function defineQueueFunction(definition: Omit<QueueFunctionDefinition, 'kind'>): QueueFunctionDefinition {
  const defined = remember({ kind: 'queue', ...definition });
  app.storageQueue(defined.name, {
    queueName: defined.queueName,
    connection: STORAGE_CONNECTION,
    handler: defined.handler,
  });
  return defined;
}

export function defineTimerFunction(definition: Omit<TimerFunctionDefinition, 'kind'>): TimerFunctionDefinition {
  const defined = remember({ kind: 'timer', ...definition });
  app.timer(defined.name, {
    schedule: defined.schedule,
    runOnStartup: defined.runOnStartup,
    handler: defined.handler,
  });
  return defined;
}
