// The routes that are not about one source: health, this document, the browser's connect flow
// (docs/connect.md) and the provider-facing webhooks (docs/notifications.md).
import { connectCallbackQuerySchema } from '../../core/connect/complete-connect.js';
import { connectStartQuerySchema } from '../../core/connect/start-connect.js';
import { webhookRoutes } from '../../core/watch/webhook-routes.js';
import { GRAPH_WEBHOOK_NAME } from '../../providers/microsoft/webhooks/graph-watch-policy.js';
import { GOOGLE_WEBHOOK_NAME } from '../../providers/google/webhooks/google-webhook-name.js';
import { PROBLEM_CONTENT_TYPE } from '../../adapters/http/problem.js';
import { queryParameters, schemaRef, type JsonSchema } from './json-schema.js';
import { jsonAnswer, problemAnswer, RETRY_AFTER_HEADER, withCommonAnswers, type Responses } from './responses.js';

/** The webhook names of the providers that push notifications (each has the pair of routes webhookRoutes names). */
const PROVIDER_WEBHOOKS = [GRAPH_WEBHOOK_NAME];

const anonymous = (responses: Responses) => withCommonAnswers(responses, { functionKey: false });

const redirect = {
  description: 'Sends the browser on (Cache-Control: no-store, Referrer-Policy: no-referrer)',
  headers: { Location: { required: true, schema: { type: 'string' } } },
};

/** A browser (Accept: text/html) gets a small inert HTML page; a program gets problem+json. */
function refusal(description: string, retryAfter = false): JsonSchema {
  return {
    description,
    ...(retryAfter ? { headers: { 'Retry-After': RETRY_AFTER_HEADER } } : {}),
    content: {
      [PROBLEM_CONTENT_TYPE]: { schema: schemaRef('Problem') },
      'text/html': { schema: { type: 'string' } },
    },
  };
}

const htmlPage = (description: string): JsonSchema => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});

function webhookPaths(name: string): Record<string, JsonSchema> {
  const routes = webhookRoutes(name);
  const post = (operationId: string, summary: string): JsonSchema => ({
    operationId,
    summary,
    tags: ['provider webhooks'],
    description:
      'Provider-facing, not for hosts: the provider posts its own notification format here and proves each notification with the secret it was given when the watch was created.',
    security: [],
    parameters: [
      {
        name: 'validationToken',
        in: 'query',
        required: false,
        description: 'The validation handshake: echoed as text/plain',
        schema: { type: 'string', minLength: 1, maxLength: 1024 },
      },
    ],
    requestBody: { required: false, content: { 'application/json': { schema: {} } } },
    responses: anonymous({
      '200': { description: 'The validation token, echoed', content: { 'text/plain': { schema: { type: 'string' } } } },
      '202': { description: 'Accepted and queued' },
      '400': problemAnswer('Not a notification payload, or a bad validation token'),
      '413': problemAnswer('The body is over the webhook body limit'),
      '503': problemAnswer('The notifications could not be queued (the provider delivers them again)', {
        retryAfter: true,
      }),
    }),
  });
  return {
    [`/${routes.notifications}`]: { post: post(`webhook-${name}`, `${name} change notifications`) },
    [`/${routes.lifecycle}`]: { post: post(`webhook-${name}-lifecycle`, `${name} lifecycle notifications`) },
  };
}

/** Google Drive's push channels: headers only, no lifecycle route (docs/provider-google.md, "Push channels"). */
function googleWebhookPaths(): Record<string, JsonSchema> {
  const header = (name: string, required: boolean) => ({ name, in: 'header', required, schema: { type: 'string' } });
  return {
    [`/${webhookRoutes(GOOGLE_WEBHOOK_NAME).notifications}`]: {
      post: {
        operationId: `webhook-${GOOGLE_WEBHOOK_NAME}`,
        summary: 'Google Drive channel notifications',
        tags: ['provider webhooks'],
        description:
          'Provider-facing, not for hosts: Google posts a header-only message per channel; the channel token proves it.',
        security: [],
        parameters: [
          header('X-Goog-Channel-ID', true),
          header('X-Goog-Channel-Token', false),
          header('X-Goog-Resource-ID', true),
          header('X-Goog-Resource-State', true),
          header('X-Goog-Message-Number', false),
          header('X-Goog-Channel-Expiration', false),
        ],
        responses: anonymous({
          '202': { description: 'A change of a verified channel, queued' },
          '204': { description: 'The sync handshake, acknowledged' },
          '400': problemAnswer('Missing or malformed X-Goog-* headers'),
          '404': {
            description: 'An unwanted delivery (unknown channel, wrong token or resource id): not retried by Google',
          },
          '503': problemAnswer('The notification could not be queued (Google delivers it again)', { retryAfter: true }),
        }),
      },
    },
  };
}

export function otherPaths(): Record<string, JsonSchema> {
  return {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Whether storage answers (anonymous)',
        tags: ['service'],
        security: [],
        responses: anonymous({
          '200': jsonAnswer('Storage answers', schemaRef('Health')),
          '503': {
            description: 'Storage does not answer',
            content: {
              'application/json': { schema: schemaRef('Health') },
              [PROBLEM_CONTENT_TYPE]: { schema: schemaRef('Problem') },
            },
          },
        }),
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document (anonymous: it holds no secret and no setting)',
        tags: ['service'],
        security: [],
        responses: anonymous({
          '200': jsonAnswer('The OpenAPI 3.1 document', { type: 'object', required: ['openapi', 'paths'] }),
        }),
      },
    },
    '/connect/start': {
      get: {
        operationId: 'connectStart',
        summary: "Send the user's browser to the provider's sign-in (auth code + PKCE; docs/connect.md)",
        tags: ['connect'],
        description: 'Anonymous: a browser has no function key; the signed state protects the flow.',
        security: [],
        parameters: queryParameters(connectStartQuerySchema),
        responses: anonymous({
          '302': redirect,
          '400': refusal('Invalid query, returnTo not allowed, or the redirect URI cannot be built'),
          '404': refusal('Source not found: register it first'),
          '409': refusal('The source cannot be connected now'),
          '503': refusal('The connect flow is not configured, or unavailable for now (with Retry-After)', true),
        }),
      },
    },
    '/connect/callback': {
      get: {
        operationId: 'connectCallback',
        summary: "Where the provider's sign-in sends the browser back; redirects to the host's returnTo",
        tags: ['connect'],
        security: [],
        parameters: queryParameters(connectCallbackQuerySchema),
        responses: anonymous({
          '302': redirect,
          '400': htmlPage('No trustworthy returnTo (invalid or expired state): an error page'),
          '503': htmlPage('The connect flow is not configured: an error page'),
        }),
      },
    },
    ...Object.fromEntries(PROVIDER_WEBHOOKS.flatMap((name) => Object.entries(webhookPaths(name)))),
    ...googleWebhookPaths(),
  };
}
