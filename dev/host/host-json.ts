// Reads host.json the way the Functions host does: `extensions.queues`, so the local host polls with
// the same batch size, back-off, visibility timeout and poison threshold, and `extensions.http.routePrefix`.
// Defaults and meanings: Microsoft Learn, "Azure Queue storage trigger and bindings for Azure
// Functions", host.json settings table.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export interface HostJsonQueues {
  /** Longest wait between polls of an empty queue (the back-off cap). */
  maxPollingIntervalMs: number;
  /** How long a failed message stays invisible before its retry. */
  visibilityTimeoutMs: number;
  /** Messages fetched per poll (Azure caps it at 32). */
  batchSize: number;
  /** Fetch the next batch once in-flight messages drop to this many. */
  newBatchThreshold: number;
  /** Attempts before a message moves to `<queue>-poison`. */
  maxDequeueCount: number;
  messageEncoding: 'base64' | 'none';
}

export const DEFAULT_HOST_JSON_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'host.json',
);

const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** Parses a .NET TimeSpan string ("00:00:02", "1.00:00:00", "00:00:00.500") into milliseconds. */
export function parseTimeSpan(text: string): number {
  const match = TIME_SPAN.exec(text.trim());
  if (!match) throw new Error(`not a TimeSpan (expected [d.]hh:mm:ss[.fff]): "${text}"`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  const fractionMs = fraction === '' ? 0 : Number(`0.${fraction}`) * 1000;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + fractionMs;
}

const timeSpan = z.string().transform((text, ctx) => {
  try {
    return parseTimeSpan(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const queuesSchema = z
  .object({
    maxPollingInterval: timeSpan.prefault('00:01:00'),
    visibilityTimeout: timeSpan.prefault('00:00:00'),
    batchSize: z.number().int().min(1).max(32).default(16),
    newBatchThreshold: z.number().int().min(0).optional(),
    maxDequeueCount: z.number().int().min(1).default(5),
    messageEncoding: z.enum(['base64', 'none']).default('base64'),
  })
  .transform((queues): HostJsonQueues => ({
    maxPollingIntervalMs: queues.maxPollingInterval,
    visibilityTimeoutMs: queues.visibilityTimeout,
    batchSize: queues.batchSize,
    // Azure's default is batchSize/2 per core; one process here, so batchSize/2.
    newBatchThreshold: queues.newBatchThreshold ?? Math.floor(queues.batchSize / 2),
    maxDequeueCount: queues.maxDequeueCount,
    messageEncoding: queues.messageEncoding,
  }));

const httpSchema = z.object({
  // Azure's default prefix is "api"; "" serves routes at the root.
  routePrefix: z.string().default('api'),
});

const hostJsonSchema = z.object({
  version: z.literal('2.0'),
  // prefault: zod 4 parses a prefault (so the nested defaults apply); a plain default would skip parsing.
  extensions: z.object({ queues: queuesSchema.prefault({}), http: httpSchema.prefault({}) }).prefault({}),
});

export interface HostJson {
  queues: HostJsonQueues;
  routePrefix: string;
}

export function parseHostJson(json: unknown): HostJson {
  const parsed = hostJsonSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid host.json: ${problems.join('; ')}`);
  }
  return { queues: parsed.data.extensions.queues, routePrefix: parsed.data.extensions.http.routePrefix };
}

export function parseHostJsonQueues(json: unknown): HostJsonQueues {
  return parseHostJson(json).queues;
}

export function readHostJson(file = DEFAULT_HOST_JSON_PATH): HostJson {
  return parseHostJson(JSON.parse(readFileSync(file, 'utf8')) as unknown);
}

export function readHostJsonQueues(file = DEFAULT_HOST_JSON_PATH): HostJsonQueues {
  return readHostJson(file).queues;
}
