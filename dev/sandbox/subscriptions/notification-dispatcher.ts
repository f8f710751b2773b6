// Delivers change and lifecycle notifications (docs/graph-behaviour.md §4): batched per URL over a short
// real-time window, POSTed as {"value":[…]} with a 3 s timeout, retried with backoff on the sandbox
// clock for up to 4 hours, then dropped; slow endpoints are delayed or dropped (endpoint-health.ts);
// duplicates on demand. Due work runs on a small real-time ticker and whenever the control API asks
// (after moving the clock), so tests never wait for sandbox time to pass.
import { randomUUID } from 'node:crypto';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { SeededRandom } from '../state/seeded-random.js';
import type { DeliveryLog, DeliveryLogEntry } from './delivery-log.js';
import type { EndpointHealth } from './endpoint-health.js';
import { redactedUrl } from './loopback-url.js';
import { postToWebhook, type PostResult } from './notification-post.js';
import type { SubscriptionSettings } from './subscription-settings.js';
import type { SubscriptionStore } from './subscription-store.js';

export type NotificationKind = 'change' | 'lifecycle';

/** One element of the POSTed value array; always names its subscription. */
export type NotificationBody = { subscriptionId: string } & Record<string, unknown>;

interface Delivery {
  id: string;
  kind: NotificationKind;
  url: string;
  notifications: NotificationBody[];
  /** Attempt number of the next send. */
  attempt: number;
  /** Sandbox time of the first attempt: the 4-hour retry window counts from here. */
  firstAttemptAt: number | undefined;
  dueAt: number;
  /** Slow-endpoint delay is applied once per delivery. */
  delayed: boolean;
}

interface PendingBatch {
  kind: NotificationKind;
  url: string;
  notifications: NotificationBody[];
  timer: NodeJS.Timeout;
}

export interface DispatcherDeps {
  clock: SandboxClock;
  settings: () => SubscriptionSettings;
  store: SubscriptionStore;
  random: SeededRandom;
  log: DeliveryLog;
  health: EndpointHealth;
  /**
   * Validation tokens for the apps whose notifications carry resource data (one per app and tenant,
   * changenotificationcollection "validationTokens"); the POST body gets them when any item is encrypted.
   */
  validationTokens?: (applicationIds: string[]) => string[];
}

export class NotificationDispatcher {
  private readonly pending = new Map<string, PendingBatch>();
  private queue: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Bumped by clear(): results of sends started before a reset are ignored. */
  private generation = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  /**
   * Adds a notification to the batch for its URL; the batch is sent after deliveryLatencyMs. A
   * change notification for a subscription already in the batch is not repeated: one POST says
   * "something changed" once per subscription. Notifications that name their resource (Outlook
   * messages) pass `perResource`: each one is sent, as Graph sends one per changed message.
   */
  enqueue(kind: NotificationKind, url: string, notification: NotificationBody, perResource = false): void {
    const key = `${kind} ${url}`;
    const batch = this.pending.get(key);
    if (batch) {
      const repeated =
        kind === 'change' &&
        !perResource &&
        batch.notifications.some((n) => n.subscriptionId === notification.subscriptionId);
      if (!repeated) batch.notifications.push(notification);
      return;
    }
    const timer = setTimeout(() => this.flush(key), this.deps.settings().deliveryLatencyMs);
    timer.unref();
    this.pending.set(key, { kind, url, notifications: [notification], timer });
  }

  /**
   * Sends every batch now (flushPending) and every delivery due on the sandbox clock, and waits for
   * all sends in flight, including those started elsewhere. Never rejects.
   */
  async runDue(options: { flushPending: boolean }): Promise<void> {
    if (options.flushPending) for (const key of [...this.pending.keys()]) this.flush(key);
    const now = this.deps.clock.now();
    const due = this.queue.filter((delivery) => delivery.dueAt <= now);
    this.queue = this.queue.filter((delivery) => delivery.dueAt > now);
    for (const delivery of due) this.start(delivery);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Deliveries waiting on the sandbox clock (retries and delayed ones). */
  waitingCount(): number {
    return this.queue.length;
  }

  /**
   * Notifications lost on Graph's side: batches not yet sent and deliveries waiting for a retry are
   * dropped, as Outlook loses them before it sends a `missed` lifecycle event. Sends in flight finish.
   */
  dropUnsent(): number {
    let dropped = this.queue.length;
    for (const batch of this.pending.values()) {
      clearTimeout(batch.timer);
      dropped += 1;
    }
    this.pending.clear();
    this.queue = [];
    return dropped;
  }

  clear(): void {
    this.generation++;
    for (const batch of this.pending.values()) clearTimeout(batch.timer);
    this.pending.clear();
    this.queue = [];
  }

  private flush(key: string): void {
    const batch = this.pending.get(key);
    if (!batch) return;
    clearTimeout(batch.timer);
    this.pending.delete(key);
    this.start({
      id: randomUUID(),
      kind: batch.kind,
      url: batch.url,
      notifications: batch.notifications,
      attempt: 1,
      firstAttemptAt: undefined,
      dueAt: this.deps.clock.now(),
      delayed: false,
    });
  }

  private start(delivery: Delivery): void {
    const running = this.send(delivery).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  private async send(delivery: Delivery): Promise<void> {
    const { clock, settings, store, health } = this.deps;
    const generation = this.generation;
    // Expired or deleted subscriptions stop receiving change notifications, retries included.
    if (delivery.kind === 'change') {
      delivery.notifications = delivery.notifications.filter((n) => store.get(n.subscriptionId) !== undefined);
      if (delivery.notifications.length === 0) return;
    }
    const now = clock.now();
    const verdict = health.verdict(delivery.url, now);
    if (verdict === 'drop') {
      this.record(delivery, { outcome: 'dropped', status: null, durationMs: 0, reason: 'slow endpoint' });
      return;
    }
    if (verdict === 'delay' && !delivery.delayed) {
      delivery.delayed = true;
      delivery.dueAt = now + settings().slowDelayMs;
      this.queue.push(delivery);
      this.record(delivery, { outcome: 'delayed', status: null, durationMs: 0, reason: 'slow endpoint' });
      return;
    }
    delivery.firstAttemptAt ??= now;
    // A retry that became due only after the 4-hour window (e.g. the clock jumped) is not sent.
    if (now - delivery.firstAttemptAt > settings().retryWindowMs) {
      this.record(delivery, { outcome: 'dropped', status: null, durationMs: 0, reason: 'retry window exhausted' });
      return;
    }
    const result = await this.post(delivery);
    if (generation !== this.generation) return;
    health.record(delivery.url, clock.now(), delivery.notifications.length, result.durationMs, result.timedOut);
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      this.record(delivery, {
        outcome: 'delivered',
        status: result.status,
        durationMs: result.durationMs,
        reason: null,
      });
      if (this.deps.random.chance(settings().duplicateRate)) await this.sendDuplicate(delivery, generation);
      return;
    }
    const reason = result.status === null ? (result.error ?? 'no response') : `status ${result.status}`;
    const backoff = Math.min(settings().retryBaseMs * 2 ** (delivery.attempt - 1), settings().retryMaxIntervalMs);
    const nextDue = clock.now() + backoff;
    if (nextDue - delivery.firstAttemptAt > settings().retryWindowMs) {
      this.record(delivery, {
        outcome: 'dropped',
        status: result.status,
        durationMs: result.durationMs,
        reason: `${reason}; retry window exhausted`,
      });
      return;
    }
    this.record(delivery, { outcome: 'retrying', status: result.status, durationMs: result.durationMs, reason });
    delivery.attempt++;
    delivery.dueAt = nextDue;
    this.queue.push(delivery);
  }

  /** Duplicates happen in real Graph ([O]); the copy is logged as delivered with duplicate: true. */
  private async sendDuplicate(delivery: Delivery, generation: number): Promise<void> {
    const result = await this.post(delivery);
    if (generation !== this.generation) return;
    const delivered = result.status !== null && result.status >= 200 && result.status < 300;
    this.record(
      delivery,
      {
        outcome: delivered ? 'delivered' : 'dropped',
        status: result.status,
        durationMs: result.durationMs,
        reason: delivered ? null : 'duplicate not accepted',
      },
      true,
    );
  }

  private post(delivery: Delivery): Promise<PostResult> {
    const rich = delivery.notifications.filter((n) => n.encryptedContent !== undefined);
    const appIds = [
      ...new Set(
        rich.map((n) => this.deps.store.get(n.subscriptionId)?.applicationId).filter((id) => id !== undefined),
      ),
    ];
    const body: Record<string, unknown> = { value: delivery.notifications };
    if (rich.length > 0 && this.deps.validationTokens) body.validationTokens = this.deps.validationTokens(appIds);
    return postToWebhook(delivery.url, {
      body: JSON.stringify(body),
      contentType: 'application/json; charset=utf-8',
      timeoutMs: this.deps.settings().deliveryTimeoutMs,
    });
  }

  private record(
    delivery: Delivery,
    result: Pick<DeliveryLogEntry, 'outcome' | 'status' | 'durationMs' | 'reason'>,
    duplicate = false,
  ): void {
    this.deps.log.add({
      time: this.deps.clock.now(),
      deliveryId: delivery.id,
      kind: delivery.kind,
      subscriptionIds: [...new Set(delivery.notifications.map((n) => n.subscriptionId))],
      url: redactedUrl(delivery.url),
      attempt: delivery.attempt,
      duplicate,
      ...result,
      durationMs: Math.round(result.durationMs),
    });
  }
}
