// The OpenAPI 3.1 document of the app's HTTP routes (https://spec.openapis.org/oas/v3.1.0), served at
// GET /api/openapi.json and described in docs/api.md. Built from the zod schemas the routes parse with
// and answer with, so it changes when they do. It holds no setting and no secret: the same for every
// deployment (servers is the relative "/api").
import { auditBodySchema } from '../../core/ports/credential-audit.js';
import { syncRunsBodySchema } from '../../core/ports/sync-run-log.js';
import {
  poisonListBodySchema,
  poisonReplayedBodySchema,
  poisonSummaryBodySchema,
} from '../../core/operations/poison-messages.js';
import { poisonPaths } from './poison-operations.js';
import { cursorNotInFeedProblemSchema } from '../../adapters/http/cursor-not-in-feed-problem.js';
import {
  deletesConfirmedBodySchema,
  healthBodySchema,
  sourceListBodySchema,
  attachmentListBodySchema,
  syncQueuedBodySchema,
} from '../../adapters/http/host-response-bodies.js';
import { problemDetailsSchema } from '../../adapters/http/problem.js';
import { changeEventSchema } from '../../core/domain/change-event.js';
import { feedPageSchema } from '../../core/ports/change-feed.js';
import { sourceStatusViewSchema } from '../../core/sources/source-status-view.js';
import { hookPayloadSchema, hookStatusViewSchema, registeredHookSchema } from '../../core/hooks/hook-record.js';
import { componentSchemas, type JsonSchema } from './json-schema.js';
import { hookPaths, hookWebhooks } from './hook-operations.js';
import { connectorPaths } from './connector-operations.js';
import { openWebUiConnectorViewSchema } from '../../integrations/openwebui/openwebui-connector.js';
import { otherPaths } from './other-operations.js';
import { commonResponseComponents } from './responses.js';
import { sourcePaths } from './source-operations.js';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: JsonSchema;
  paths: Record<string, JsonSchema>;
  components: { schemas: Record<string, JsonSchema> } & JsonSchema;
  [field: string]: unknown;
}

/** Named schemas; the change event is one of them, so a host can generate its event type from it. */
const NAMED_SCHEMAS = {
  ChangeEvent: changeEventSchema,
  FeedPage: feedPageSchema,
  SourceStatusView: sourceStatusViewSchema,
  SourceList: sourceListBodySchema,
  AttachmentList: attachmentListBodySchema,
  DeletesConfirmed: deletesConfirmedBodySchema,
  SyncQueued: syncQueuedBodySchema,
  Health: healthBodySchema,
  Problem: problemDetailsSchema,
  CursorNotInFeedProblem: cursorNotInFeedProblemSchema,
  HookStatusView: hookStatusViewSchema,
  RegisteredHook: registeredHookSchema,
  HookPayload: hookPayloadSchema,
  OpenWebUiConnectorView: openWebUiConnectorViewSchema,
  PoisonSummary: poisonSummaryBodySchema,
  SyncRuns: syncRunsBodySchema,
  CredentialAudit: auditBodySchema,
  PoisonList: poisonListBodySchema,
  PoisonReplayed: poisonReplayedBodySchema,
};

export function buildOpenApiDocument(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'KB Sync',
      version: '1',
      description:
        "Keeps a host application's knowledge bases in sync with datasources: register sources, read the ordered change feed (event schema version 1), download content. Errors are RFC 9457 application/problem+json. Guide: docs/api.md.",
    },
    servers: [{ url: '/api', description: 'The Functions host route prefix, on the host that serves this document' }],
    security: [{ functionKeyHeader: [] }, { functionKeyQuery: [] }],
    tags: [
      { name: 'sources' },
      { name: 'feed' },
      { name: 'hooks', description: 'Push to the host when its feed advances (docs/api.md, "Push to the host")' },
      {
        name: 'connectors',
        description: 'Apply the feed to a host product for the host (docs/open-webui.md)',
      },
      { name: 'connect' },
      { name: 'service' },
      { name: 'provider webhooks', description: 'Called by providers, not by hosts' },
      { name: 'operations', description: "Operators only, with the host's master key (docs/operations.md)" },
    ],
    paths: { ...sourcePaths(), ...hookPaths(), ...connectorPaths(), ...otherPaths(), ...poisonPaths() },
    webhooks: hookWebhooks(),
    components: {
      schemas: componentSchemas(NAMED_SCHEMAS),
      responses: commonResponseComponents,
      // The Functions host's key check (Microsoft Learn, "Work with access keys in Azure Functions").
      securitySchemes: {
        functionKeyHeader: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
        functionKeyQuery: { type: 'apiKey', in: 'query', name: 'code' },
        masterKeyHeader: {
          type: 'apiKey',
          in: 'header',
          name: 'x-functions-key',
          description: "The host's master key (operations routes)",
        },
        masterKeyQuery: { type: 'apiKey', in: 'query', name: 'code', description: "The host's master key" },
      },
    },
  };
}

let built: OpenApiDocument | undefined;

/** Built once per process: the schemas do not change while it runs. */
export function openApiDocument(): OpenApiDocument {
  built ??= buildOpenApiDocument();
  return built;
}
