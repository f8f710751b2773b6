// The watch capability of drive sources: Graph subscriptions on the drive root (drive-subscriptions.ts),
// under the Graph watch policy. The watch secret is Graph's clientState; notifications are pinned to
// the configured tenant when there is one.
import type { SourceRecord } from '../../../core/domain/source.js';
import type { WatchHandle, WatchInfo, WatchRequest, WatchSource } from '../../../core/ports/watch-source.js';
import type { GraphTransport } from '../graph/graph-transport.js';
import { CLIENT_STATE_MAX_LENGTH, driveWatchPolicy, GRAPH_WEBHOOK_NAME } from '../webhooks/graph-watch-policy.js';
import { pinnedTenant } from '../webhooks/pinned-tenant.js';
import {
  createSubscription,
  deleteSubscription,
  reauthorizeSubscription,
  renewSubscription,
} from './drive-subscriptions.js';

export class DriveWatch implements WatchSource {
  readonly policy = driveWatchPolicy;
  readonly webhookName = GRAPH_WEBHOOK_NAME;
  private readonly tenantId: string | undefined;

  constructor(
    private readonly transport: GraphTransport,
    /** The app's configured tenant (MS_TENANT_ID); a multi-tenant value pins nothing. */
    configuredTenantId: string | undefined,
  ) {
    this.tenantId = pinnedTenant(configuredTenantId);
  }

  async create(source: SourceRecord, request: WatchRequest): Promise<WatchInfo> {
    // Graph would answer 400; refusing here keeps the secret out of any error a proxy might log.
    if (request.secret.length > CLIENT_STATE_MAX_LENGTH) {
      throw new RangeError(`a clientState has at most ${CLIENT_STATE_MAX_LENGTH} characters`);
    }
    const info = await createSubscription(this.transport, source, request);
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
