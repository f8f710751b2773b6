// The control API of the subscriptions module (issue 3 §9): list subscriptions, remove one silently
// (as Graph does for drives), send lifecycle notifications on demand, run due deliveries after the
// clock moved, read the delivery log, and tune the module's settings. Loopback only, no bearer token.
import { ControlInputError, parse } from '../control/control-routes.js';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../http/sandbox-http.js';
import type { SandboxContext } from '../sandbox-context.js';
import type { DeliveryLog } from './delivery-log.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';
import { lifecycleNotification } from './notification-payloads.js';
import { redactedUrl } from './loopback-url.js';
import {
  subscriptionSettingsPatchSchema,
  type SubscriptionSettings,
  type SubscriptionSettingsPatch,
} from './subscription-settings.js';
import { isDriveScope, isMailScope } from './subscription-resource.js';
import type { SubscriptionRecord, SubscriptionStore } from './subscription-store.js';
import { lifecycleRequestSchema, type SubscriptionSummary } from './subscriptions-control-schemas.js';

export interface SubscriptionsControlDeps {
  store: SubscriptionStore;
  dispatcher: NotificationDispatcher;
  log: DeliveryLog;
  settings: () => SubscriptionSettings;
  updateSettings: (patch: SubscriptionSettingsPatch) => void;
  /** Sweeps expiries and sends due reauthorization notices, as the ticker does. */
  runHousekeeping: () => void;
}

type ControlHandler = (
  request: SandboxRequest,
  params: Record<string, string>,
) => SandboxResponse | Promise<SandboxResponse>;

export function registerSubscriptionsControlRoutes(context: SandboxContext, deps: SubscriptionsControlDeps): void {
  const add = (method: string, suffix: string, handler: ControlHandler) => {
    context.router.add(method, new RegExp(`^/_sandbox/subscriptions${suffix}$`), 'control', async (request, params) => {
      try {
        return await handler(request, params);
      } catch (error) {
        if (error instanceof ControlInputError)
          return jsonResponse(400, { error: 'invalidInput', message: error.message });
        throw error;
      }
    });
  };
  const { store, dispatcher, log } = deps;
  const requireSubscription = (id: string | undefined): SubscriptionRecord | SandboxResponse =>
    store.get(decodeURIComponent(id ?? '')) ??
    jsonResponse(404, { error: 'itemNotFound', message: `no live subscription ${id ?? ''}` });

  add('GET', '', () => jsonResponse(200, store.live().map(summary)));

  add('GET', '/settings', () => jsonResponse(200, deps.settings()));
  add('PATCH', '/settings', (request) => {
    deps.updateSettings(parse(subscriptionSettingsPatchSchema, request));
    return jsonResponse(200, deps.settings());
  });

  add('GET', '/deliveries', () => jsonResponse(200, log.list()));
  // Loses every notification not sent yet (what precedes a `missed` lifecycle event).
  add('POST', '/deliveries/drop-unsent', () => jsonResponse(200, { dropped: dispatcher.dropUnsent() }));
  add('DELETE', '/deliveries', () => {
    log.clear();
    return { status: 204 };
  });

  // Tests move the clock, then call this so due retries, delayed deliveries, expiries and
  // reauthorization notices happen now instead of on the next tick; it answers once all are sent.
  add('POST', '/run-due', async () => {
    deps.runHousekeeping();
    await dispatcher.runDue({ flushPending: true });
    return jsonResponse(200, { waiting: dispatcher.waitingCount() });
  });

  // Graph removes drive subscriptions without telling anyone (docs/graph-behaviour.md §4): no notification.
  add('DELETE', '/(?<id>[^/]+)', (_request, params) => {
    const found = requireSubscription(params.id);
    if ('status' in found) return found;
    store.remove(found.id);
    return { status: 204 };
  });

  add('POST', '/(?<id>[^/]+)/lifecycle', (request, params) => {
    const input = parse(lifecycleRequestSchema, request);
    const found = requireSubscription(params.id);
    if ('status' in found) return found;
    if (
      input.lifecycleEvent !== 'reauthorizationRequired' &&
      isDriveScope(found.scope) &&
      input.evenForDriveItem !== true
    ) {
      throw new ControlInputError(
        `Graph does not send ${input.lifecycleEvent} for driveItem subscriptions; pass evenForDriveItem: true to send it anyway.`,
      );
    }
    if (found.lifecycleNotificationUrl === null)
      throw new ControlInputError('the subscription has no lifecycleNotificationUrl');
    const body = lifecycleNotification(
      found,
      context.tenantId,
      input.lifecycleEvent,
      input.organizationIdVariant ? 'organizationId' : 'tenantId',
    );
    // subscriptionRemoved means Graph has already removed it.
    if (input.lifecycleEvent === 'subscriptionRemoved') store.remove(found.id);
    if (input.lifecycleEvent === 'reauthorizationRequired') found.lastReauthorizationNoticeAt = context.clock.now();
    dispatcher.enqueue('lifecycle', found.lifecycleNotificationUrl, body);
    return { status: 202 };
  });
}

function summary(record: SubscriptionRecord): SubscriptionSummary {
  const scope = record.scope;
  return {
    id: record.id,
    resource: record.resource,
    // Message subscriptions have no drive: '' here, and their mailbox and folder in `mail`.
    driveId: isDriveScope(scope) ? scope.driveId : '',
    folderId: isDriveScope(scope) ? scope.folderId : isMailScope(scope) ? (scope.mailFolderId ?? '') : '',
    ...(isMailScope(scope) ? { mail: { userId: scope.mailUserId, folderId: scope.mailFolderId } } : {}),
    applicationId: record.applicationId,
    creatorId: record.creatorId,
    notificationUrl: redactedUrl(record.notificationUrl),
    lifecycleNotificationUrl: record.lifecycleNotificationUrl && redactedUrl(record.lifecycleNotificationUrl),
    expirationDateTime: new Date(record.expiresAt).toISOString(),
    lastReauthorizationNoticeAt: record.lastReauthorizationNoticeAt ?? null,
  };
}
