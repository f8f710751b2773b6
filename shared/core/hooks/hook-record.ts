// A knowledge base's push callback (docs/api.md, "Push to the host"): where to POST, how deliveries
// went, and the small scheduling state that coalesces a burst of feed appends into one POST. The
// secret is not here: it lives in the hook secret store (Key Vault, or the local encrypted table).
import { z } from 'zod';

export const HOOK_STATES = ['active', 'disabled'] as const;

export const hookRecordSchema = z.object({
  kbId: z.string(),
  url: z.string(),
  state: z.enum(HOOK_STATES),
  /** New on every PUT (with the secret): messages ids and the secret cache are tied to it. */
  registrationId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastAttemptAt: z.string().optional(),
  lastDeliveryAt: z.string().optional(),
  /** HTTP status of the last attempt; absent when it got no answer (timeout, network, refused target). */
  lastStatus: z.number().int().optional(),
  lastError: z.string().optional(),
  consecutiveFailures: z.number().int().min(0),
  disabledReason: z.string().optional(),
  disabledAt: z.string().optional(),
  /** The head cursor the host last acknowledged with a 2xx. */
  deliveredCursor: z.string().optional(),
  /** The one live delivery message; others are stale and ignored. */
  scheduledId: z.string().optional(),
  /** When that message becomes visible; a schedule long past it lost its message (poisoned). */
  scheduledDueMs: z.number().optional(),
  /** The delivery taken by a worker and not yet recorded: its message, retried after a crash, still delivers. */
  releasedId: z.string().optional(),
});
export type HookRecord = z.infer<typeof hookRecordSchema>;

const nullable = <S extends z.ZodType>(schema: S, description: string) => schema.nullable().describe(description);

/** What GET …/hook shows (and PUT, with the secret beside it): never the secret. */
export const hookStatusViewSchema = z
  .object({
    kbId: z.string(),
    url: z.string(),
    state: z.enum(HOOK_STATES).describe('disabled: too many consecutive failed deliveries; PUT again to re-enable'),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastAttemptAt: nullable(z.string(), 'ISO 8601'),
    lastDeliveryAt: nullable(z.string(), 'ISO 8601 time of the last delivery answered with a 2xx'),
    lastStatus: nullable(z.number().int(), 'HTTP status of the last attempt; null when it got no answer'),
    lastError: nullable(z.string(), 'Why the last attempt failed (timeout, network error, refused target, status)'),
    consecutiveFailures: z.number().int(),
    disabledReason: nullable(z.string(), 'Why the hook was disabled'),
    disabledAt: nullable(z.string(), 'ISO 8601'),
    deliveredCursor: nullable(z.string(), 'The head cursor of the last successful delivery'),
  })
  .describe("A knowledge base's push callback and how its deliveries went");
export type HookStatusView = z.infer<typeof hookStatusViewSchema>;

export const registeredHookSchema = hookStatusViewSchema
  .extend({
    secret: z
      .string()
      .describe('whsec_<base64>: the signing secret, shown only in this answer; every PUT makes a new one'),
  })
  .describe('The registered hook and its new signing secret');

/** The problem type of a callback URL the target policy refuses (hook-target-policy.ts). */
export const HOOK_URL_REFUSED = 'urn:kb-sync:problem:hook-url-refused';

export const registerHookBodySchema = z.object({
  url: z
    .string()
    .max(2048)
    .describe('https URL to POST to (http only for localhost in a local run); no credentials, no private address'),
});
export type RegisterHookBody = z.infer<typeof registerHookBodySchema>;

/** The body of every push: where the feed is now, never content or tokens. */
export const hookPayloadSchema = z
  .object({ kbId: z.string(), headCursor: z.string() })
  .describe('POSTed to the hook URL when the feed advanced: read GET /kbs/{kbId}/changes up to headCursor');
export type HookPayload = z.infer<typeof hookPayloadSchema>;

export function toHookStatusView(record: HookRecord): HookStatusView {
  return {
    kbId: record.kbId,
    url: record.url,
    state: record.state,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    lastAttemptAt: record.lastAttemptAt ?? null,
    lastDeliveryAt: record.lastDeliveryAt ?? null,
    lastStatus: record.lastStatus ?? null,
    lastError: record.lastError ?? null,
    consecutiveFailures: record.consecutiveFailures,
    disabledReason: record.disabledReason ?? null,
    disabledAt: record.disabledAt ?? null,
    deliveredCursor: record.deliveredCursor ?? null,
  };
}
