// The watch port over Graph subscriptions (graph-subscriptions.ts), for any subscribed resource: a
// provider says what its sources subscribe to and under which policy. The watch secret is Graph's
// clientState; notifications are pinned to the configured tenant when there is one.
import type { SourceRecord } from '../../../core/domain/source.js';
import type {
  WatchHandle,
  WatchInfo,
  WatchPolicy,
  WatchRequest,
  WatchSource,
} from '../../../core/ports/watch-source.js';
import type { GraphTransport } from '../graph/graph-transport.js';
import {
  createSubscription,
  deleteSubscription,
  reauthorizeSubscription,
  renewSubscription,
  type SubscriptionTarget,
} from './graph-subscriptions.js';
import { CLIENT_STATE_MAX_LENGTH, GRAPH_WEBHOOK_NAME } from './graph-watch-policy.js';
import { pinnedTenant } from './pinned-tenant.js';

export interface GraphSubscriptionKind {
  policy: WatchPolicy;
  /** What a source's subscription observes (async: Teams reads its encryption certificate). */
  target(source: SourceRecord): SubscriptionTarget | Promise<SubscriptionTarget>;
  /** Request headers of the creation (Outlook: immutable ids in notifications). */
  headers?: Record<string, string>;
}

export class GraphSubscriptionWatch implements WatchSource {
  readonly webhookName = GRAPH_WEBHOOK_NAME;
  readonly policy: WatchPolicy;
  private readonly tenantId: string | undefined;

  constructor(
    protected readonly transport: GraphTransport,
    /** The app's configured tenant (MS_TENANT_ID); a multi-tenant value pins nothing. */
    configuredTenantId: string | undefined,
    private readonly kind: GraphSubscriptionKind,
  ) {
    this.policy = kind.policy;
    this.tenantId = pinnedTenant(configuredTenantId);
  }

  async create(source: SourceRecord, request: WatchRequest): Promise<WatchInfo> {
    // Graph would answer 400; refusing here keeps the secret out of any error a proxy might log.
    if (request.secret.length > CLIENT_STATE_MAX_LENGTH) {
      throw new RangeError(`a clientState has at most ${CLIENT_STATE_MAX_LENGTH} characters`);
    }
    const target = await this.kind.target(source);
    const info = await createSubscription(this.transport, source, request, target, this.kind.headers);
    return this.tenantId === undefined ? info : { ...info, issuer: this.tenantId };
  }

  renew(source: SourceRecord, watchId: string, expiresAt: string): Promise<WatchInfo> {
    return renewSubscription(this.transport, source, watchId, expiresAt);
  }

  reauthorize(source: SourceRecord, watchId: string): Promise<void> {
    return reauthorizeSubscription(this.transport, source, watchId);
  }

  delete(source: SourceRecord, { watchId }: WatchHandle): Promise<void> {
    return deleteSubscription(this.transport, source, watchId);
  }
}
