// The live subscriptions, on the sandbox clock: an expired subscription is gone (404, no deliveries)
// as soon as its expirationDateTime passes, whether or not the sweep has removed it yet.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { SubscribedScope } from './subscription-resource.js';

export interface SubscriptionRecord {
  id: string;
  /** As the client wrote it: notifications carry this string, not the changed item (§4). */
  resource: string;
  scope: SubscribedScope;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expiresAt: number;
  applicationId: string;
  /** The signed-in user, or for app-only tokens the application. */
  creatorId: string;
  latestSupportedTlsVersion: string;
  /** When reauthorizationRequired was last sent; cleared by renewal (§4 lifecycle). */
  lastReauthorizationNoticeAt: number | undefined;
  /**
   * Created with `Prefer: IdType="ImmutableId"`: its message notifications carry immutable ids
   * (https://learn.microsoft.com/graph/outlook-immutable-id#immutable-id-with-change-notifications).
   */
  immutableIds?: boolean;
  /**
   * Rich notifications (Teams chatMessage): the resource is encrypted with this certificate
   * (change-notifications-with-resource-data). Absent for plain notifications.
   */
  encryption?: { certificate: string; certificateId: string };
}

/** The store's records as a persisted sandbox keeps them (context.persist). */
export const persistedSubscriptionsSchema = z.array(
  z.object({
    id: z.string(),
    resource: z.string(),
    scope: z.union([
      z.object({ driveId: z.string(), folderId: z.string() }),
      z.object({ mailUserId: z.string(), mailFolderId: z.string().nullable() }),
      z.object({
        teamsPlace: z.union([
          z.object({ kind: z.literal('channel'), teamId: z.string(), channelId: z.string() }),
          z.object({ kind: z.literal('chat'), chatId: z.string() }),
          z.object({ kind: z.literal('allChannels') }),
          z.object({ kind: z.literal('allChats') }),
        ]),
      }),
    ]),
    changeType: z.string(),
    clientState: z.string().nullable(),
    notificationUrl: z.string(),
    lifecycleNotificationUrl: z.string().nullable(),
    expiresAt: z.number(),
    applicationId: z.string(),
    creatorId: z.string(),
    latestSupportedTlsVersion: z.string(),
    lastReauthorizationNoticeAt: z.number().optional(),
    immutableIds: z.boolean().optional(),
    encryption: z.object({ certificate: z.string(), certificateId: z.string() }).optional(),
  }),
);

export type NewSubscription = Omit<SubscriptionRecord, 'id' | 'lastReauthorizationNoticeAt'>;

export class SubscriptionStore {
  private readonly records = new Map<string, SubscriptionRecord>();

  constructor(private readonly clock: SandboxClock) {}

  add(input: NewSubscription): SubscriptionRecord {
    const record: SubscriptionRecord = { ...input, id: randomUUID(), lastReauthorizationNoticeAt: undefined };
    this.records.set(record.id, record);
    return record;
  }

  /** A live subscription, or undefined when unknown or expired. */
  get(id: string): SubscriptionRecord | undefined {
    const record = this.records.get(id);
    return record && record.expiresAt > this.clock.now() ? record : undefined;
  }

  live(): SubscriptionRecord[] {
    const now = this.clock.now();
    return [...this.records.values()].filter((record) => record.expiresAt > now);
  }

  remove(id: string): boolean {
    return this.records.delete(id);
  }

  /** Forgets expired subscriptions ("expired subscriptions … disappear"); returns their ids. */
  sweepExpired(): string[] {
    const now = this.clock.now();
    const expired = [...this.records.values()].filter((record) => record.expiresAt <= now).map((record) => record.id);
    for (const id of expired) this.records.delete(id);
    return expired;
  }

  clear(): void {
    this.records.clear();
  }

  /** Every record, expired ones included (the sweep drops those), for a persisted sandbox. */
  all(): SubscriptionRecord[] {
    return [...this.records.values()];
  }

  restore(records: z.infer<typeof persistedSubscriptionsSchema>): void {
    this.records.clear();
    for (const record of records) {
      this.records.set(record.id, { ...record, lastReauthorizationNoticeAt: record.lastReauthorizationNoticeAt });
    }
  }
}
