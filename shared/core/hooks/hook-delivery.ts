// The hook-delivery worker (docs/api.md, "Push to the host"): takes the KB's scheduled delivery, reads
// the feed's head cursor, and POSTs `{ kbId, headCursor }` signed the Standard Webhooks way
// (hook-signing.ts) to the URL, checked again against the target policy on this attempt's DNS
// answers and connected to the address that passed (hook-target-policy.ts). A 2xx resets the failure
// count. Anything else (no answer within HOOK_TIMEOUT_MS, a network error, a refused target, a non-2xx)
// schedules a retry with exponential backoff and full jitter, honouring Retry-After on 429 and 503 up
// to HOOK_RETRY_MAX_MS, until HOOK_MAX_CONSECUTIVE_FAILURES in a row disable the hook with the reason.
//
// A retry reads the head again, so it carries the newest cursor; appends meanwhile are absorbed by
// the scheduled retry instead of bypassing its backoff.
import { randomUUID } from 'node:crypto';
import type { ChangeFeed } from '../ports/change-feed.js';
import type {
  HookDeliveryMessage,
  HookDeliveryQueue,
  HookPostOutcome,
  HookRepository,
  HookSecretStore,
  HookTransport,
} from '../ports/hook-ports.js';
import { hookDeliveryMessageSchema } from '../ports/hook-ports.js';
import type { Logger } from '../ports/logger.js';
import type { PoisonQueue } from '../ports/poison-queue.js';
import { parseOrPoison } from '../queue/parse-queue-message.js';
import { backoffDelayMs } from '../tokens/backoff.js';
import type { HookPayload, HookRecord } from './hook-record.js';
import { hookMessageId, signHookMessage } from './hook-signing.js';
import { checkHookTarget, type AddressResolver, type HookTargetPolicy } from './hook-target-policy.js';

export interface HookDeliverySettings {
  maxConsecutiveFailures: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  policy: HookTargetPolicy;
}

export interface HookDeliveryDeps {
  hooks: HookRepository;
  secrets: Pick<HookSecretStore, 'read'>;
  feed: Pick<ChangeFeed, 'head'>;
  queue: HookDeliveryQueue;
  transport: HookTransport;
  resolve: AddressResolver;
  poisonQueue: PoisonQueue;
  settings: HookDeliverySettings;
  log: Logger;
  now?: () => number;
  random?: () => number;
}

export type HookDeliveryOutcome =
  | 'poisoned'
  | 'gone'
  | 'disabled'
  | 'stale'
  | 'unchanged'
  | 'delivered'
  | 'retry-scheduled'
  | 'disabled-now'
  | 'superseded';

const MAX_ATTEMPTS = 20;

type Attempt = { ok: true; status: number } | { ok: false; status?: number; error: string; retryAfterMs?: number };

export async function handleHookDelivery(deps: HookDeliveryDeps, raw: unknown): Promise<HookDeliveryOutcome> {
  const parsed = await parseOrPoison(hookDeliveryMessageSchema, raw, { ...deps, what: 'hook-delivery' });
  if (!parsed.ok) return 'poisoned';
  const message = parsed.value;
  const taken = await take(deps, message);
  if (typeof taken === 'string') return taken;

  const headCursor = await deps.feed.head(message.kbId);
  if (headCursor === '' || headCursor === taken.deliveredCursor) {
    await record(deps, taken, message, undefined);
    return 'unchanged';
  }
  const attempt = await post(deps, taken, headCursor);
  return record(deps, taken, message, { attempt, headCursor });
}

/** Clears the schedule of `message` (compare-and-swap), or finds it already taken by a run that crashed. */
async function take(deps: HookDeliveryDeps, message: HookDeliveryMessage): Promise<HookRecord | HookDeliveryOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await deps.hooks.get(message.kbId);
    if (!stored) return 'gone';
    const { record, etag } = stored;
    if (record.state !== 'active') return 'disabled';
    if (record.scheduledId !== message.deliveryId) return record.releasedId === message.deliveryId ? record : 'stale';
    const released: HookRecord = {
      ...record,
      scheduledId: undefined,
      scheduledDueMs: undefined,
      releasedId: message.deliveryId,
    };
    if (await deps.hooks.write(released, etag)) return released;
  }
  throw new Error('the hook row kept changing; the queue will retry');
}

async function post(deps: HookDeliveryDeps, hook: HookRecord, headCursor: string): Promise<Attempt> {
  const check = await checkHookTarget(hook.url, deps.settings.policy, deps.resolve);
  if (!check.ok) return { ok: false, error: `target refused: ${check.reason}` };
  const secret = await deps.secrets.read(hook.kbId);
  if (!secret) return { ok: false, error: 'the signing secret is missing; PUT the hook again' };
  const payload: HookPayload = { kbId: hook.kbId, headCursor };
  const body = JSON.stringify(payload);
  const nowMs = (deps.now ?? Date.now)();
  const id = hookMessageId(hook.registrationId, hook.kbId, headCursor);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'kb-sync-hooks/1',
    ...signHookMessage(secret, id, nowMs / 1000, body),
  };
  const outcome: HookPostOutcome = await deps.transport.post(check.target, headers, body, deps.settings.timeoutMs);
  switch (outcome.kind) {
    case 'timeout':
      return { ok: false, error: `no answer within ${deps.settings.timeoutMs} ms` };
    case 'network':
      return { ok: false, error: `network error: ${outcome.detail}` };
    case 'answered': {
      if (outcome.status >= 200 && outcome.status < 300) return { ok: true, status: outcome.status };
      const honoured = outcome.status === 429 || outcome.status === 503 ? outcome.retryAfterMs : undefined;
      return { ok: false, status: outcome.status, error: `HTTP ${outcome.status}`, retryAfterMs: honoured };
    }
  }
}

/** The delay before retry after `failures` failures in a row: full jitter, a Retry-After floor, both capped. */
export function hookRetryDelayMs(
  failures: number,
  settings: Pick<HookDeliverySettings, 'retryBaseMs' | 'retryMaxMs'>,
  random: () => number,
  retryAfterMs?: number,
): number {
  const policy = {
    attempts: Number.POSITIVE_INFINITY,
    baseDelayMs: settings.retryBaseMs,
    maxDelayMs: settings.retryMaxMs,
  };
  const floor = retryAfterMs === undefined ? undefined : Math.min(retryAfterMs, settings.retryMaxMs);
  return Math.max(
    backoffDelayMs(failures, policy, random, floor) ?? settings.retryMaxMs,
    Math.min(1_000, settings.retryMaxMs),
  );
}

async function record(
  deps: HookDeliveryDeps,
  taken: HookRecord,
  message: HookDeliveryMessage,
  result: { attempt: Attempt; headCursor: string } | undefined,
): Promise<HookDeliveryOutcome> {
  const { settings, log } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  for (let round = 0; round < MAX_ATTEMPTS; round++) {
    const stored = await deps.hooks.get(message.kbId);
    // Deleted or registered again meanwhile: this attempt's result belongs to the old registration.
    if (!stored || stored.record.registrationId !== taken.registrationId) return 'superseded';
    const { record: current, etag } = stored;
    const base: HookRecord = {
      ...current,
      releasedId: current.releasedId === message.deliveryId ? undefined : current.releasedId,
    };
    if (!result) {
      if (await deps.hooks.write(base, etag)) return 'unchanged';
      continue;
    }
    const at = new Date(now()).toISOString();
    const { attempt, headCursor } = result;
    if (attempt.ok) {
      const delivered: HookRecord = {
        ...base,
        lastAttemptAt: at,
        lastDeliveryAt: at,
        lastStatus: attempt.status,
        lastError: undefined,
        consecutiveFailures: 0,
        deliveredCursor: headCursor,
      };
      if (!(await deps.hooks.write(delivered, etag))) continue;
      log.info('hook.delivered', { kbId: message.kbId, status: attempt.status });
      return 'delivered';
    }
    const failures = current.consecutiveFailures + 1;
    const failed: HookRecord = {
      ...base,
      lastAttemptAt: at,
      lastStatus: attempt.status,
      lastError: attempt.error,
      consecutiveFailures: failures,
    };
    if (failures >= settings.maxConsecutiveFailures) {
      const disabled: HookRecord = {
        ...failed,
        state: 'disabled',
        disabledAt: at,
        disabledReason: `${failures} consecutive failed deliveries; the last: ${attempt.error}`,
        scheduledId: undefined,
        scheduledDueMs: undefined,
      };
      if (!(await deps.hooks.write(disabled, etag))) continue;
      log.warn('hook.disabled', { kbId: message.kbId, failures, error: attempt.error });
      return 'disabled-now';
    }
    const delayMs = hookRetryDelayMs(failures, settings, random, attempt.retryAfterMs);
    const retryId = randomUUID();
    // The message first: if the write then loses, it is stale and ignored.
    await deps.queue.schedule({ kind: 'hook-delivery', kbId: message.kbId, deliveryId: retryId }, delayMs);
    const retrying: HookRecord = { ...failed, scheduledId: retryId, scheduledDueMs: now() + delayMs };
    if (!(await deps.hooks.write(retrying, etag))) continue;
    log.warn('hook.retry_scheduled', { kbId: message.kbId, failures, delayMs, error: attempt.error });
    return 'retry-scheduled';
  }
  throw new Error('the hook row kept changing; the queue will retry');
}
