// Graph's /v1.0/subscriptions endpoints for driveItem resources (docs/graph-behaviour.md §3): create with
// the validation handshake, list, get, renew (PATCH), reauthorize, delete. Bearer tokens are checked
// by the drive routes' own authenticate(); requests are charged to the same request budget (§5).
import { z } from 'zod';
import { authenticate } from '../graph/graph-routes.js';
import { graphError, tooManyRequests } from '../graph/graph-errors.js';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../http/sandbox-http.js';
import type { AccessTokenRecord } from '../identity/identity-state.js';
import type { SandboxContext } from '../sandbox-context.js';
import { checkNotificationUrl } from './loopback-url.js';
import { invalid, SubscriptionRequestError } from './subscription-errors.js';
import { isTeamsResource } from '../teams/teams-module.js';
import {
  requireLifecycleUrlBeyondOneHour,
  TEAMS_MESSAGE_MAX_EXPIRATION_MINUTES,
  teamsSubscriptionParts,
} from './teams-subscription-rules.js';
import {
  isMailResource,
  isMailScope,
  isTeamsScope,
  resolveMailScope,
  resolveSubscribedScope,
  SubscriptionResourceError,
  type SubscribedScope,
} from './subscription-resource.js';
import { preferences } from '../mail/mail-query.js';
import { subscriptionJson } from './subscription-json.js';
import type { SubscriptionSettings } from './subscription-settings.js';
import type { SubscriptionRecord, SubscriptionStore } from './subscription-store.js';
import { runValidationHandshake } from './validation-handshake.js';

/** §3: driveItem subscriptions last at most 42,300 minutes. */
export const DRIVE_ITEM_MAX_EXPIRATION_MS = 42_300 * 60 * 1000;
/**
 * Outlook message subscriptions (without resource data) last at most 10,080 minutes, under 7 days
 * (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime).
 */
export const MESSAGE_MAX_EXPIRATION_MINUTES = 10_080;
const MAIL_CHANGE_TYPES = new Set(['created', 'updated', 'deleted']);
const MAIL_SCOPES = new Set(['mail.read', 'mail.readwrite']);
const MAX_CLIENT_STATE_LENGTH = 128;
const PAGE_SIZE = 100;

const createSubscriptionSchema = z.object({
  changeType: z.string(),
  notificationUrl: z.string(),
  resource: z.string(),
  expirationDateTime: z.string(),
  clientState: z.string().nullish(),
  lifecycleNotificationUrl: z.string().nullish(),
  latestSupportedTlsVersion: z.enum(['v1_0', 'v1_1', 'v1_2', 'v1_3']).nullish(),
  includeResourceData: z.boolean().nullish(),
  notificationQueryOptions: z.string().nullish(),
  encryptionCertificate: z.string().nullish(),
  encryptionCertificateId: z.string().nullish(),
});

const renewSubscriptionSchema = z.object({ expirationDateTime: z.string() });

export interface SubscriptionRouteDeps {
  store: SubscriptionStore;
  settings: () => SubscriptionSettings;
}

type Handler = (
  request: SandboxRequest,
  token: AccessTokenRecord,
  id: string | undefined,
) => SandboxResponse | Promise<SandboxResponse>;

export function registerSubscriptionRoutes(context: SandboxContext, deps: SubscriptionRouteDeps): void {
  // Registered before the drive routes' /v1.0 catch-all, which answers non-GET methods with 405.
  const add = (method: string, suffix: string, ru: number, handler: Handler) => {
    const pattern = new RegExp(`^/v1\\.0/subscriptions${suffix}$`);
    context.router.add(method, pattern, 'graph', async (request, params) => {
      const token = authenticate(context, request);
      if ('status' in token) return token;
      const now = context.clock.now();
      const decision = context.budget.charge(token.userId ?? `app:${token.clientId}`, token.clientId, ru, now);
      if (!decision.allowed)
        return { ...tooManyRequests(request, decision.retryAfterSeconds, now, decision.headers), userId: token.userId };
      let response: SandboxResponse;
      try {
        response = await handler(request, token, params.id === undefined ? undefined : decodeURIComponent(params.id));
      } catch (error) {
        if (error instanceof SubscriptionRequestError)
          response = graphError(request, error.status, error.code, error.message, context.clock.now());
        else if (error instanceof SubscriptionResourceError)
          response = graphError(
            request,
            error.status,
            error.status === 404 ? 'itemNotFound' : 'InvalidRequest',
            error.message,
            now,
          );
        else throw error;
      }
      return { ...response, headers: { ...decision.headers, ...response.headers }, ru, userId: token.userId };
    });
  };

  const { store } = deps;
  const owned = (token: AccessTokenRecord, id: string | undefined): SubscriptionRecord => {
    const record = id === undefined ? undefined : store.get(id);
    // Another application's subscription is as invisible as an unknown or expired one.
    if (!record || record.applicationId !== token.clientId)
      throw new SubscriptionRequestError(404, 'ResourceNotFound', `Resource '${id ?? ''}' does not exist.`);
    return record;
  };
  const entityContext = () => `${context.baseUrl()}/v1.0/$metadata#subscriptions/$entity`;

  add('POST', '', 2, async (request, token) => {
    const input = parseBody(createSubscriptionSchema, request);
    const settings = deps.settings();
    const changeTypes = input.changeType.split(',').map((type) => type.trim());
    const mail = isMailResource(input.resource);
    const teams = isTeamsResource(input.resource);
    if (teams) {
      // Checked in teamsSubscriptionParts below.
    } else if (mail) {
      if (changeTypes.length === 0 || changeTypes.some((type) => !MAIL_CHANGE_TYPES.has(type)))
        throw invalid(
          `'${input.changeType}' is not a valid changeType: use created, updated or deleted, comma-separated.`,
        );
      if (input.includeResourceData === true)
        throw invalid('Rich notifications (includeResourceData) are not modelled by the sandbox for messages.');
    } else {
      if (changeTypes.length !== 1 || changeTypes[0] !== 'updated')
        throw invalid("For driveItem resources only the changeType 'updated' is supported.");
      if (input.includeResourceData === true)
        throw invalid('Rich notifications (includeResourceData) are not supported for driveItem resources.');
    }
    if (input.clientState && input.clientState.length > MAX_CLIENT_STATE_LENGTH)
      throw invalid(`clientState must be at most ${MAX_CLIENT_STATE_LENGTH} characters.`);
    const now = context.clock.now();
    let scope: SubscribedScope;
    let expiresAt: number;
    let encryption: { certificate: string; certificateId: string } | undefined;
    if (teams) {
      const directory = context.teams.directory;
      if (!directory) throw invalid(`Unsupported resource '${input.resource}': the sandbox has no Teams module.`);
      const parts = teamsSubscriptionParts(
        directory,
        {
          resource: input.resource,
          changeTypes,
          includeResourceData: input.includeResourceData === true,
          encryptionCertificate: input.encryptionCertificate,
          encryptionCertificateId: input.encryptionCertificateId,
        },
        token,
      );
      expiresAt = parseExpiration(input.expirationDateTime, now, TEAMS_MESSAGE_MAX_EXPIRATION_MINUTES);
      requireLifecycleUrlBeyondOneHour(expiresAt, now, input.lifecycleNotificationUrl);
      scope = parts.scope;
      encryption = parts.encryption;
    } else if (mail) {
      expiresAt = parseExpiration(input.expirationDateTime, now, MESSAGE_MAX_EXPIRATION_MINUTES);
      const directory = context.mail.directory;
      if (!directory) throw invalid(`Unsupported resource '${input.resource}': the sandbox has no mail module.`);
      const mailScope = resolveMailScope(directory, input.resource, token.userId);
      requireMailAccess(token, mailScope.mailUserId, directory.appHasMailRole(token.clientId));
      scope = mailScope;
    } else {
      expiresAt = parseExpiration(input.expirationDateTime, now);
      scope = resolveSubscribedScope(context.tenant, input.resource, token.userId);
    }
    const urls: [string, string][] = [['notificationUrl', input.notificationUrl]];
    if (input.lifecycleNotificationUrl) urls.push(['lifecycleNotificationUrl', input.lifecycleNotificationUrl]);
    for (const [field, value] of urls) {
      const check = checkNotificationUrl(field, value);
      if (!check.ok) throw invalid(check.message);
    }
    // §3: both URLs are validated before the subscription exists.
    for (const [, value] of urls) {
      const handshake = await runValidationHandshake(value, settings.validationTimeoutMs);
      if (!handshake.ok) throw invalid(handshake.message);
    }
    const record = store.add({
      resource: input.resource,
      scope,
      changeType: mail || teams ? changeTypes.join(',') : 'updated',
      clientState: input.clientState ?? null,
      notificationUrl: input.notificationUrl,
      lifecycleNotificationUrl: input.lifecycleNotificationUrl ?? null,
      expiresAt,
      applicationId: token.clientId,
      creatorId: token.userId ?? token.clientId,
      latestSupportedTlsVersion: input.latestSupportedTlsVersion ?? 'v1_2',
      ...(mail ? { immutableIds: preferences(request).immutableIds } : {}),
      ...(encryption ? { encryption } : {}),
    });
    return jsonResponse(201, { '@odata.context': entityContext(), ...subscriptionJson(record, true) });
  });

  add('GET', '', 1, (request, token) => {
    // Delegated callers see their own subscriptions for this app; app-only callers all of the app's.
    const visible = store
      .live()
      .filter((record) => record.applicationId === token.clientId)
      .filter((record) => token.userId === null || record.creatorId === token.userId);
    const skip = Number(request.url.searchParams.get('$skiptoken') ?? '0') || 0;
    const body: Record<string, unknown> = {
      '@odata.context': `${context.baseUrl()}/v1.0/$metadata#subscriptions`,
      value: visible.slice(skip, skip + PAGE_SIZE).map((record) => subscriptionJson(record, false)),
    };
    if (skip + PAGE_SIZE < visible.length) {
      const next = new URL(request.url);
      next.searchParams.set('$skiptoken', String(skip + PAGE_SIZE));
      body['@odata.nextLink'] = next.toString();
    }
    return jsonResponse(200, body);
  });

  const byId = '/(?<id>[^/]+)';
  add('GET', byId, 1, (_request, token, id) =>
    jsonResponse(200, { '@odata.context': entityContext(), ...subscriptionJson(owned(token, id), false) }),
  );

  add('PATCH', byId, 2, (request, token, id) => {
    const record = owned(token, id);
    const input = parseBody(renewSubscriptionSchema, request);
    const now = context.clock.now();
    const expiresAt = isTeamsScope(record.scope)
      ? parseExpiration(input.expirationDateTime, now, TEAMS_MESSAGE_MAX_EXPIRATION_MINUTES)
      : isMailScope(record.scope)
        ? parseExpiration(input.expirationDateTime, now, MESSAGE_MAX_EXPIRATION_MINUTES)
        : parseExpiration(input.expirationDateTime, now);
    if (isTeamsScope(record.scope)) requireLifecycleUrlBeyondOneHour(expiresAt, now, record.lifecycleNotificationUrl);
    record.expiresAt = expiresAt;
    // Renewing also reauthorizes (§3): the reauthorizationRequired cadence starts over.
    record.lastReauthorizationNoticeAt = undefined;
    return jsonResponse(200, { '@odata.context': entityContext(), ...subscriptionJson(record, false) });
  });

  add('POST', `${byId}/reauthorize`, 2, (_request, token, id) => {
    const record = owned(token, id);
    // The next notice, if the expiry is still near, comes one repeat interval from now.
    record.lastReauthorizationNoticeAt = context.clock.now();
    return { status: 204 };
  });

  add('DELETE', byId, 2, (_request, token, id) => {
    store.remove(owned(token, id).id);
    return { status: 204 };
  });
}

function parseBody<T>(schema: z.ZodType<T>, request: SandboxRequest): T {
  let raw: unknown;
  try {
    raw = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw invalid('The request body is not valid JSON.');
  }
  const result = schema.safeParse(raw);
  if (!result.success)
    throw invalid(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return result.data;
}

function parseExpiration(value: string, now: number, maxMinutes = DRIVE_ITEM_MAX_EXPIRATION_MS / 60_000): number {
  const expiresAt = Date.parse(value);
  if (!Number.isFinite(expiresAt)) throw invalid(`expirationDateTime '${value}' is not a valid date and time.`);
  if (expiresAt <= now) throw invalid('Subscription expiration must be in the future.');
  if (expiresAt - now > maxMinutes * 60_000)
    throw invalid(`Subscription expiration can only be ${maxMinutes} minutes in the future.`);
  return expiresAt;
}

/**
 * Subscribing to messages needs Mail.Read (delegated scope or application role); delegated callers
 * reach their own mailbox only (outlook-change-notifications-overview "Request permissions"). The
 * refusal comes back wrapped as Outlook subscription errors are (ExtensionError, observed).
 */
function requireMailAccess(token: AccessTokenRecord, mailUserId: string, appHasRole: boolean): void {
  const allowed =
    token.userId === null
      ? appHasRole
      : token.userId === mailUserId && token.scopes.some((scope) => MAIL_SCOPES.has(scope.toLowerCase()));
  if (!allowed)
    throw new SubscriptionRequestError(
      403,
      'ExtensionError',
      'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied. Check credentials and try again.]',
    );
}
