// Push channels on a Google Drive source's change log (changes.watch), as
// https://developers.google.com/workspace/drive/api/guides/push describes them: our own random channel
// id, the per-watch secret as the channel token (echoed in X-Goog-Channel-Token, at most 256
// characters), an expiration of at most one week for changes channels. Channels cannot be renewed: the
// watch manager creates a new one before the old expires and stops the old with channels.stop, which
// needs the channel's resourceId (kept as the watch's `resource`). Channels send no lifecycle events.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError } from '../../../core/domain/errors.js';
import type { SourceRecord } from '../../../core/domain/source.js';
import type {
  WatchHandle,
  WatchInfo,
  WatchPolicy,
  WatchRequest,
  WatchSource,
} from '../../../core/ports/watch-source.js';
import type { DriveApi } from '../drive-api/drive-api.js';
import { GOOGLE_WEBHOOK_NAME } from '../webhooks/google-webhook-name.js';
import { driveParams } from './drive-changes.js';
import { googleDriveOf } from './google-drive-location.js';

/** "Maximum expiration time … 604800 seconds (1 week)" for the changes resource. */
export const GOOGLE_CHANNEL_MAX_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** The channel token: "an arbitrary string value that you can use … 256 characters maximum". */
export const CHANNEL_TOKEN_MAX_LENGTH = 256;

const channelSchema = z.object({
  id: z.string().min(1),
  resourceId: z.string().min(1),
  expiration: z.string().regex(/^\d+$/),
});
const startTokenSchema = z.object({ startPageToken: z.string().min(1) });

export function googleWatchPolicy(maxLifetimeMs: number = GOOGLE_CHANNEL_MAX_LIFETIME_MS): WatchPolicy {
  return {
    maxLifetimeMs: () => Math.min(maxLifetimeMs, GOOGLE_CHANNEL_MAX_LIFETIME_MS),
    expiryMarginMs: 5 * 60_000,
    renewal: 'recreate',
    reauthorizeSupported: false,
    lifecycleEvents: [],
    maxSecretLength: CHANNEL_TOKEN_MAX_LENGTH,
  };
}

export class GoogleDriveWatch implements WatchSource {
  readonly webhookName = GOOGLE_WEBHOOK_NAME;
  readonly policy: WatchPolicy;

  constructor(
    private readonly api: DriveApi,
    maxLifetimeMs?: number,
  ) {
    this.policy = googleWatchPolicy(maxLifetimeMs);
  }

  async create(source: SourceRecord, request: WatchRequest): Promise<WatchInfo> {
    const drive = googleDriveOf(source);
    // The channel watches the change log from now; a notification only makes the source sync its own cursor.
    const { startPageToken } = await this.api.json(
      source,
      'the start page token',
      (options) =>
        this.api.client.changes.getStartPageToken(
          drive.sharedDriveId ? { driveId: drive.sharedDriveId, supportsAllDrives: true } : {},
          options,
        ),
      startTokenSchema,
    );
    const channel = await this.api.json(
      source,
      'the watch channel',
      (options) =>
        this.api.client.changes.watch(
          {
            ...driveParams(drive),
            ...(drive.sharedDriveId ? {} : { restrictToMyDrive: true }),
            pageToken: startPageToken,
            requestBody: {
              id: randomUUID(),
              type: 'web_hook',
              address: request.callbackUrl,
              token: request.secret,
              expiration: String(Date.parse(request.expiresAt)),
            },
          },
          options,
        ),
      channelSchema,
    );
    return {
      watchId: channel.id,
      resource: channel.resourceId,
      expiresAt: new Date(Number(channel.expiration)).toISOString(),
    };
  }

  async delete(source: SourceRecord, { watchId, resource }: WatchHandle): Promise<void> {
    // Without its resourceId a channel cannot be stopped; it lapses at its expiration.
    if (!resource) return;
    try {
      await this.api.send(source, 'the watch channel', (options) =>
        this.api.client.channels.stop({ requestBody: { id: watchId, resourceId: resource } }, options),
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
}
