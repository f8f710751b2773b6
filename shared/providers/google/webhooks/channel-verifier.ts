// Decides whether a push notification is genuine: its channel is one of ours, its token (the watch
// secret) matches the stored digest in constant time, and it names the resource the channel watches.
// Google's guide says the token is how to "verify that each incoming message is for a channel that your
// application created" (https://developers.google.com/drive/api/guides/push, "Make watch requests").
import type { WatchRecord } from '../../../core/ports/watch-repository.js';
import { watchSecretMatches } from '../../../core/watch/watch-secret.js';
import type { ChannelNotification } from './channel-headers.js';

export type ChannelVerdict = 'valid' | 'unknown-channel' | 'wrong-token' | 'wrong-resource';

export function verifyChannelNotification(
  notification: Pick<ChannelNotification, 'channelToken' | 'resourceId'>,
  record: WatchRecord | undefined,
): ChannelVerdict {
  if (!record) return 'unknown-channel';
  if (!watchSecretMatches(notification.channelToken, record.secretSha256)) return 'wrong-token';
  // Checked after the token so the answer tells a forger nothing about the resource. A record without
  // a resource id is not a Google channel (every channel has one, channels.stop needs it).
  if (record.resource === undefined || record.resource !== notification.resourceId) return 'wrong-resource';
  return 'valid';
}
