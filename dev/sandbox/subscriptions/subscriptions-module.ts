// The subscriptions module of the sandbox (issue 3 items 4–6): Graph /v1.0/subscriptions, change
// notifications on every drive change and every Outlook message change (announced by the mail module
// on context.mail), lifecycle notifications, and its control API. Part of the default module set of
// startSandbox (sandbox.ts).
import type { SandboxContext, SandboxModule } from '../sandbox-context.js';
import { SeededRandom } from '../state/seeded-random.js';
import { DeliveryLog } from './delivery-log.js';
import { EndpointHealth } from './endpoint-health.js';
import { NotificationDispatcher } from './notification-dispatcher.js';
import {
  changeNotification,
  lifecycleNotification,
  messageChangeNotification,
  teamsMessageChangeNotification,
} from './notification-payloads.js';
import { sendDueReauthorizationNotices } from './reauthorization-notices.js';
import {
  isDriveScope,
  isMailScope,
  isTeamsScope,
  scopeCovers,
  type SubscribedScope,
  type TeamsScope,
} from './subscription-resource.js';
import type { TeamsMessageChangeEvent } from '../teams/teams-port.js';
import { registerSubscriptionRoutes } from './subscription-routes.js';
import {
  defaultSubscriptionSettings,
  type SubscriptionSettings,
  type SubscriptionSettingsPatch,
} from './subscription-settings.js';
import { persistedSubscriptionsSchema, SubscriptionStore } from './subscription-store.js';
import { registerSubscriptionsControlRoutes } from './subscriptions-control-routes.js';

export interface SubscriptionsModuleOptions {
  /** Initial settings (also what control reset goes back to). */
  settings?: SubscriptionSettingsPatch;
  /** Seeds duplicate deliveries. */
  seed?: number;
}

export function subscriptionsModule(options: SubscriptionsModuleOptions = {}): SandboxModule {
  return (context: SandboxContext) => {
    const initialSettings = (): SubscriptionSettings => ({ ...defaultSubscriptionSettings(), ...options.settings });
    let settings = initialSettings();
    const getSettings = () => settings;
    const store = new SubscriptionStore(context.clock);
    const log = new DeliveryLog();
    const health = new EndpointHealth(getSettings);
    const dispatcher = new NotificationDispatcher({
      clock: context.clock,
      settings: getSettings,
      store,
      random: new SeededRandom(options.seed ?? 4_242),
      log,
      health,
      validationTokens: (appIds) =>
        appIds.map((appId) => context.signingKeys.validationToken(context.tenantId, appId, context.clock.now())),
    });

    const runHousekeeping = () => {
      store.sweepExpired();
      sendDueReauthorizationNotices(store, dispatcher, settings, context.tenantId, context.clock.now());
    };

    context.tenant.onDriveChanged((event) => {
      const drive = context.tenant.getDrive(event.driveId);
      if (!drive) return;
      for (const subscription of store.live()) {
        const scope = subscription.scope;
        if (!isDriveScope(scope) || scope.driveId !== drive.id) continue;
        if (!event.itemIds.some((itemId) => scopeCovers(drive, scope, itemId))) continue;
        dispatcher.enqueue('change', subscription.notificationUrl, changeNotification(subscription, context.tenantId));
      }
    });

    // Outlook sends one notification per changed message, for each subscription whose mailbox (and
    // folder, if it names one) and changeType match. A move is deleted in the old folder and created
    // in the new one; a mailbox-wide subscription sees both (observed: a move triggers "created",
    // microsoftgraph/microsoft-graph-docs-contrib#686; "deleted" too, OfficeDev/office-js#4531).
    context.mail.onMessageChanged((event) => {
      for (const subscription of store.live()) {
        const scope = subscription.scope;
        if (!isMailScope(scope) || scope.mailUserId !== event.userId) continue;
        if (scope.mailFolderId !== null && scope.mailFolderId !== event.folderId) continue;
        if (!subscription.changeType.split(',').includes(event.changeType)) continue;
        dispatcher.enqueue(
          'change',
          subscription.notificationUrl,
          messageChangeNotification(subscription, context.tenantId, event),
          true,
        );
      }
    });
    // Teams sends one notification per changed chatMessage (created, updated: edits and reactions,
    // deleted: soft deletes) to each subscription whose channel or chat, or tenant-wide scope, covers
    // it; a channel subscription covers the channel's replies too (teams-changenotifications-chatmessage).
    context.teams.onMessageChanged((event) => {
      for (const subscription of store.live()) {
        if (!isTeamsScope(subscription.scope) || !teamsPlaceCovers(subscription.scope, event)) continue;
        if (!subscription.changeType.split(',').includes(event.changeType)) continue;
        dispatcher.enqueue(
          'change',
          subscription.notificationUrl,
          teamsMessageChangeNotification(subscription, context.tenantId, event),
          true,
        );
      }
    });
    // Lifecycle notifications the mail and Teams controls send (change-notifications-lifecycle-events):
    // missed and subscriptionRemoved exist for Outlook and Teams resources; subscriptionRemoved means it is gone.
    const lifecycleSender = (accepts: (scope: SubscribedScope) => boolean) => ({
      send: (subscriptionId: string, event: 'missed' | 'subscriptionRemoved' | 'reauthorizationRequired') => {
        const subscription = store.get(subscriptionId);
        if (!subscription) throw new Error(`no live subscription ${subscriptionId}`);
        if (!accepts(subscription.scope) && event !== 'reauthorizationRequired')
          throw new Error(`Graph does not send ${event} for subscription ${subscriptionId} of this resource`);
        if (subscription.lifecycleNotificationUrl === null)
          throw new Error(`subscription ${subscriptionId} has no lifecycleNotificationUrl`);
        if (event === 'subscriptionRemoved') store.remove(subscription.id);
        if (event === 'reauthorizationRequired') subscription.lastReauthorizationNoticeAt = context.clock.now();
        dispatcher.enqueue(
          'lifecycle',
          subscription.lifecycleNotificationUrl,
          lifecycleNotification(subscription, context.tenantId, event),
        );
      },
    });
    context.mail.lifecycle = lifecycleSender(isMailScope);
    context.teams.lifecycle = lifecycleSender(isTeamsScope);

    registerSubscriptionRoutes(context, { store, settings: getSettings });
    registerSubscriptionsControlRoutes(context, {
      store,
      dispatcher,
      log,
      settings: getSettings,
      updateSettings: (patch) => {
        const previousTickMs = settings.tickMs;
        settings = { ...settings, ...patch };
        if (settings.tickMs !== previousTickMs) restartTicker();
      },
      runHousekeeping,
    });

    // Retries, delays, expiry and reauthorization notices are due on the sandbox clock: they run
    // when the clock is advanced and on a real-time ticker. unref(): a forgotten sandbox never
    // keeps the process alive.
    // One tick at a time (a slow webhook holds a tick for up to deliveryTimeoutMs); a tick asked for
    // meanwhile, e.g. by a clock advance, runs as soon as the current one ends.
    let ticking = false;
    let tickRequested = false;
    let ticker: NodeJS.Timeout | undefined;
    const tick = () => {
      if (ticking) {
        tickRequested = true;
        return;
      }
      ticking = true;
      tickRequested = false;
      runHousekeeping();
      void dispatcher.runDue({ flushPending: false }).finally(() => {
        ticking = false;
        if (tickRequested) tick();
      });
    };
    const restartTicker = () => {
      clearInterval(ticker);
      ticker = setInterval(tick, settings.tickMs);
      ticker.unref();
    };
    restartTicker();
    const stopListeningToClock = context.clock.onAdvance(tick);

    context.persist('subscriptions', {
      save: () => store.all(),
      restore: (raw) => store.restore(persistedSubscriptionsSchema.parse(raw)),
    });

    context.onReset(() => {
      store.clear();
      dispatcher.clear();
      health.clear();
      log.clear();
      settings = initialSettings();
      restartTicker();
    });
    context.onStop(() => {
      stopListeningToClock();
      clearInterval(ticker);
      dispatcher.clear();
    });
  };
}

function teamsPlaceCovers(scope: TeamsScope, event: TeamsMessageChangeEvent): boolean {
  const place = scope.teamsPlace;
  const changed = event.place;
  if (place.kind === 'allChannels') return changed.kind === 'channel';
  if (place.kind === 'allChats') return changed.kind === 'chat';
  if (place.kind === 'channel')
    return changed.kind === 'channel' && changed.teamId === place.teamId && changed.channelId === place.channelId;
  return changed.kind === 'chat' && changed.chatId === place.chatId;
}
