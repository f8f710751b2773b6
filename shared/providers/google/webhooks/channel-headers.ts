// What a Drive push notification carries: headers only, no body worth reading
// (https://developers.google.com/drive/api/guides/push, "Understand the notification message format").
// Parsed tolerantly of headers we do not use, strictly on the ones we act on. The channel token is the
// watch's secret: compared (as a digest) and then forgotten; never logged, stored or enqueued.
import { z } from 'zod';

/** The headers a notification is judged by, as they arrive (any case). */
export const CHANNEL_HEADERS = {
  channelId: 'x-goog-channel-id',
  channelToken: 'x-goog-channel-token',
  resourceId: 'x-goog-resource-id',
  resourceState: 'x-goog-resource-state',
  messageNumber: 'x-goog-message-number',
  channelExpiration: 'x-goog-channel-expiration',
} as const;

export const channelNotificationSchema = z.object({
  // Our own channel ids are UUIDs; Google allows up to 64 characters. Longer is not one of ours.
  channelId: z.string().min(1).max(256),
  // Optional in Google's format (sent only when the channel has one); ours always have one, so a
  // notification without it fails the token check rather than the parse.
  channelToken: z.string().max(1_024).optional(),
  resourceId: z.string().min(1).max(1_024),
  // "sync" on creation, "change" for changes.watch, add/remove/update/trash/untrash for files.watch.
  resourceState: z.string().regex(/^[a-z_]{1,32}$/, 'must be a resource state such as sync or change'),
  // Increases per channel; 1 for the sync message.
  messageNumber: z
    .string()
    .regex(/^\d{1,20}$/, 'must be a decimal number')
    .optional(),
  channelExpiration: z.string().max(64).optional(),
});

export type ChannelNotification = z.infer<typeof channelNotificationSchema>;

/** The notification's fields from the request headers (undefined when a header is absent). */
export function readChannelHeaders(headers: { get(name: string): string | null }): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(CHANNEL_HEADERS).map(([field, header]) => [field, headers.get(header)?.trim() ?? undefined]),
  );
}
