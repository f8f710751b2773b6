// The ports of push to the host (core/hooks): the hook rows, the per-hook secret, the delivery queue
// and the HTTP POST itself. Adapters: azure-tables/hook-store.ts, azure-tables/local-hook-secret-store.ts
// or key-vault/key-vault-hook-secret-store.ts, the hook-delivery queue (composition root), and
// adapters/hooks/node-hook-transport.ts.
import { z } from 'zod';
import type { HookRecord } from '../hooks/hook-record.js';
import type { CheckedTarget } from '../hooks/hook-target-policy.js';

export interface StoredHook {
  record: HookRecord;
  etag: string;
}

export interface HookRepository {
  get(kbId: string): Promise<StoredHook | undefined>;
  /** Writes only if the row is still at `etag` (undefined: still absent); false when someone else won. */
  write(record: HookRecord, etag: string | undefined): Promise<boolean>;
  /** Idempotent. */
  delete(kbId: string): Promise<void>;
}

/** The per-hook signing secret (whsec_…), stored like a source's grant: never in a table row in clear. */
export interface HookSecretStore {
  read(kbId: string): Promise<string | undefined>;
  write(kbId: string, secret: string): Promise<void>;
  /** Idempotent. */
  remove(kbId: string): Promise<void>;
}

export const hookDeliveryMessageSchema = z.object({
  kind: z.literal('hook-delivery'),
  kbId: z.string().min(1),
  deliveryId: z.string().min(1),
});
export type HookDeliveryMessage = z.infer<typeof hookDeliveryMessageSchema>;

export interface HookDeliveryQueue {
  /** Puts a delivery message on the hook-delivery queue, visible after `delayMs`. */
  schedule(message: HookDeliveryMessage, delayMs: number): Promise<void>;
}

export type HookPostOutcome =
  | { kind: 'answered'; status: number; /** Retry-After, in ms, when the answer had one. */ retryAfterMs?: number }
  | { kind: 'timeout' }
  | { kind: 'network'; detail: string };

export interface HookTransport {
  /** POSTs `body` to the checked target, connecting to `target.address` and to nothing else; no redirects. */
  post(
    target: CheckedTarget,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<HookPostOutcome>;
}
