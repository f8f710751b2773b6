// What a chatMessage subscription must satisfy (teams-changenotifications-chatmessage, subscription
// resource "Subscription lifetime", change-notifications-with-resource-data):
// - resources: teams/{id}/channels/{id}/messages, chats/{id}/messages, teams/getAllMessages and
//   chats/getAllMessages (application permissions only); changeType created, updated, deleted;
// - permissions: ChannelMessage.Read.All for channels, Chat.Read (delegated) or Chat.Read.All
//   (application) for chats; delegated callers must be members;
// - an expirationDateTime more than 1 hour away needs lifecycleNotificationUrl, with the page's error
//   message; at most 4,320 minutes (under 3 days) with or without resource data;
// - includeResourceData: true needs encryptionCertificate (base64 X.509, RSA 2,048–4,096 bits) and
//   encryptionCertificateId.
import type { AccessTokenRecord } from '../identity/identity-state.js';
import type { TeamsDirectory } from '../teams/teams-port.js';
import { EncryptionCertificateError, parseEncryptionCertificate } from './resource-data-encryption.js';
import { invalid, SubscriptionRequestError } from './subscription-errors.js';
import type { TeamsScope } from './subscription-resource.js';

export const TEAMS_MESSAGE_MAX_EXPIRATION_MINUTES = 4320;
const ONE_HOUR_MS = 60 * 60 * 1000;
const TEAMS_CHANGE_TYPES = new Set(['created', 'updated', 'deleted']);

export interface TeamsSubscriptionInput {
  resource: string;
  changeTypes: string[];
  includeResourceData: boolean;
  encryptionCertificate: string | null | undefined;
  encryptionCertificateId: string | null | undefined;
}

export interface TeamsSubscriptionParts {
  scope: TeamsScope;
  encryption: { certificate: string; certificateId: string } | undefined;
}

export function teamsSubscriptionParts(
  directory: TeamsDirectory,
  input: TeamsSubscriptionInput,
  token: AccessTokenRecord,
): TeamsSubscriptionParts {
  if (input.changeTypes.length === 0 || input.changeTypes.some((type) => !TEAMS_CHANGE_TYPES.has(type)))
    throw invalid(`'${input.changeTypes.join(',')}' is not a valid changeType: use created, updated or deleted.`);
  const place = directory.resolveResource(input.resource);
  if ('error' in place)
    throw new SubscriptionRequestError(
      place.status,
      place.status === 404 ? 'itemNotFound' : 'InvalidRequest',
      place.error,
    );
  if (!directory.mayRead(place, token))
    throw new SubscriptionRequestError(
      403,
      'Forbidden',
      `The caller may not subscribe to '${input.resource}': missing permission or membership.`,
    );
  let encryption: TeamsSubscriptionParts['encryption'];
  if (input.includeResourceData) {
    if (!input.encryptionCertificate || !input.encryptionCertificateId)
      throw invalid('encryptionCertificate and encryptionCertificateId are required when includeResourceData is true.');
    try {
      parseEncryptionCertificate(input.encryptionCertificate, input.encryptionCertificateId);
    } catch (error) {
      if (error instanceof EncryptionCertificateError) throw invalid(error.message);
      throw error;
    }
    encryption = { certificate: input.encryptionCertificate, certificateId: input.encryptionCertificateId };
  }
  return { scope: { teamsPlace: place }, encryption };
}

/** The documented rule: more than 1 hour away needs lifecycleNotificationUrl. */
export function requireLifecycleUrlBeyondOneHour(
  expiresAt: number,
  now: number,
  lifecycleNotificationUrl: string | null | undefined,
): void {
  if (expiresAt - now > ONE_HOUR_MS && !lifecycleNotificationUrl)
    throw invalid(
      'lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour.',
    );
}
