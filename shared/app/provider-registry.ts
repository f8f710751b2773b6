// Which provider serves which source type. OneDrive and SharePoint are the same Graph drive API,
// so both types get a OneDriveProvider over one shared Graph client, which Outlook mail and Teams
// (channels and chats) share too; Google Drive has its own.
import type { SourceType } from '../core/domain/source.js';
import type { ProviderRegistry, SyncProvider, TokenManager } from '../core/ports/provider-ports.js';
import { createRegisterSourceBodySchema, describeRegisterSourceBody } from '../core/sources/register-source-body.js';
import { createGraphTransport, OneDriveProvider } from '../providers/microsoft/drive/onedrive-provider.js';
import { DriveWatch } from '../providers/microsoft/drive/drive-watch.js';
import {
  driveLocationSchema,
  LEGACY_DRIVE_LOCATION_FIELDS,
  legacyDriveLocation,
} from '../providers/microsoft/drive/drive-location.js';
import { DriveApi } from '../providers/google/drive-api/drive-api.js';
import { googleDriveLocationSchema } from '../providers/google/drive/google-drive-location.js';
import { GoogleDriveProvider } from '../providers/google/drive/google-drive-provider.js';
import { mailLocationSchema } from '../providers/microsoft/mail/mail-location.js';
import { MailWatch } from '../providers/microsoft/mail/mail-watch.js';
import { OutlookMailProvider } from '../providers/microsoft/mail/outlook-mail-provider.js';
import { MailboxGate, MailboxLimitedTransport } from '../providers/microsoft/mail/mailbox-gate.js';
import { mailboxOf } from '../providers/microsoft/mail/mail-location.js';
import { GatedTransport } from '../providers/microsoft/graph/gated-transport.js';
import { teamsChannelLocationSchema, teamsChatLocationSchema } from '../providers/microsoft/teams/teams-location.js';
import { TeamsProvider } from '../providers/microsoft/teams/teams-provider.js';
import { TeamsWatch } from '../providers/microsoft/teams/teams-watch.js';
import type { NotificationKeyRing } from '../providers/microsoft/webhooks/resource-data/notification-key-ring.js';
import { ThreadGate, threadKeyOf } from '../providers/microsoft/teams/thread-gate.js';

export class StaticProviderRegistry implements ProviderRegistry {
  constructor(private readonly providers: Readonly<Record<SourceType, SyncProvider>>) {}

  get(type: SourceType): SyncProvider {
    const provider = this.providers[type];
    if (!provider) throw new Error(`no provider serves source type "${type}"`);
    return provider;
  }
}

/** The registration body of the source types the API registers, with each one's location schema. */
const driveLocationRules = {
  locationSchema: driveLocationSchema,
  legacyLocationFields: LEGACY_DRIVE_LOCATION_FIELDS,
  legacyLocation: legacyDriveLocation,
};
const sourceTypes = {
  onedrive: driveLocationRules,
  sharepoint: driveLocationRules,
  outlook_mail: { locationSchema: mailLocationSchema },
  teams_channel: { locationSchema: teamsChannelLocationSchema },
  teams_chat: { locationSchema: teamsChatLocationSchema },
  google_drive: { locationSchema: googleDriveLocationSchema },
};
export const registerSourceBodySchema = createRegisterSourceBodySchema(sourceTypes);
/** The same body per source type, for the API document (shared/app/openapi). */
export const registerSourceBodyDescription = describeRegisterSourceBody(sourceTypes);

export interface ProviderRegistrySettings {
  graphBaseUrl: string;
  tokens: TokenManager;
  /** See GraphClientOptions.maxInlineRetryWaitSeconds. */
  maxInlineRetryWaitSeconds?: number;
  /** MS_TENANT_ID: the tenant whose change notifications are accepted (none pinned when multi-tenant or unset). */
  tenantId?: string;
  /** MAIL_WATCH_MAX_LIFETIME_MINUTES: the lifetime asked for an Outlook message subscription. */
  mailWatchMaxLifetimeMinutes?: number;
  /** MAIL_MAX_CONCURRENT_PER_MAILBOX: requests in flight per mailbox from this instance (Outlook allows 4). */
  mailMaxConcurrentPerMailbox?: number;
  /** TEAMS_WATCH_MAX_LIFETIME_MINUTES: the lifetime asked for a Teams message subscription. */
  teamsWatchMaxLifetimeMinutes?: number;
  /** TEAMS_MIN_INTERVAL_MS_PER_THREAD: least time between message reads of one channel or chat. */
  teamsMinIntervalMsPerThread?: number;
  /** Rich Teams notifications: the certificates Teams subscriptions encrypt with (none: plain notifications). */
  teamsNotificationKeys?: Pick<NotificationKeyRing, 'currentCertificate'>;
  /** The Google Drive provider's settings (GOOGLE_DRIVE_ROOT_URL, GOOGLE_WATCH_MAX_LIFETIME_HOURS). */
  google?: { driveRootUrl?: string; watchMaxLifetimeMs?: number };
}

export function createProviderRegistry(settings: ProviderRegistrySettings): ProviderRegistry {
  const transport = createGraphTransport(settings);
  const watch = new DriveWatch(transport, settings.tenantId);
  // One pace per channel or chat for both Teams source types: they may read the same threads.
  const teamsTransport = new GatedTransport(
    transport,
    new ThreadGate(settings.teamsMinIntervalMsPerThread),
    threadKeyOf,
  );
  const teamsWatch = new TeamsWatch(
    transport,
    settings.tenantId,
    settings.teamsWatchMaxLifetimeMinutes,
    settings.teamsNotificationKeys,
  );
  return new StaticProviderRegistry({
    onedrive: new OneDriveProvider('onedrive', transport, watch),
    sharepoint: new OneDriveProvider('sharepoint', transport, watch),
    outlook_mail: new OutlookMailProvider(
      new MailboxLimitedTransport(
        transport,
        new MailboxGate(settings.mailMaxConcurrentPerMailbox),
        (source) => mailboxOf(source).userId,
      ),
      new MailWatch(transport, settings.tenantId, settings.mailWatchMaxLifetimeMinutes),
    ),
    teams_channel: new TeamsProvider('teams_channel', teamsTransport, teamsWatch),
    teams_chat: new TeamsProvider('teams_chat', teamsTransport, teamsWatch),
    google_drive: new GoogleDriveProvider(
      new DriveApi({
        rootUrl: settings.google?.driveRootUrl,
        tokens: settings.tokens,
        ...(settings.maxInlineRetryWaitSeconds === undefined
          ? {}
          : { maxInlineWaitMs: settings.maxInlineRetryWaitSeconds * 1000 }),
      }),
      { watchMaxLifetimeMs: settings.google?.watchMaxLifetimeMs },
    ),
  });
}
