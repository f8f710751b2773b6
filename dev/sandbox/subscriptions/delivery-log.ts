// What the notification dispatcher did, for tests and the control API: one entry per attempt
// (delivered, retrying, dropped) or decision (delayed by slow-endpoint accounting). URLs are logged
// with their query values hidden: the app's notificationUrl can carry a function key.
import { z } from 'zod';

export const deliveryOutcomeSchema = z.enum(['delivered', 'retrying', 'dropped', 'delayed']);

export const deliveryLogEntrySchema = z.object({
  /** Sandbox clock, ms since the epoch. */
  time: z.number(),
  deliveryId: z.string(),
  kind: z.enum(['change', 'lifecycle']),
  subscriptionIds: z.array(z.string()),
  /** The target URL, query values replaced by "redacted". */
  url: z.string(),
  /** HTTP status answered; null on timeout, refused connection, or a decision without a request. */
  status: z.number().nullable(),
  /** Real milliseconds the request took; 0 when no request was sent. */
  durationMs: z.number(),
  /** 1 for the first try; a duplicate repeats its delivery's attempt number. */
  attempt: z.number().int(),
  outcome: deliveryOutcomeSchema,
  duplicate: z.boolean(),
  /** Why: "timeout", "status 500", "connection failed", "retry window exhausted", "slow endpoint"… */
  reason: z.string().nullable(),
});

export type DeliveryLogEntry = z.infer<typeof deliveryLogEntrySchema>;

/** Bounded, so a long-running sandbox does not grow without limit. */
const MAX_ENTRIES = 10_000;

export class DeliveryLog {
  private entries: DeliveryLogEntry[] = [];

  add(entry: DeliveryLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): DeliveryLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
