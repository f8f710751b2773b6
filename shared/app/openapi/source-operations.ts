// The host's routes for sources, the feed and item content (functions/sources-*.ts, changes.ts,
// item-content.ts; docs/api.md). Bodies and parameters come from the schemas those routes parse with.
import { idSchema } from '../../core/domain/source.js';
import { feedQuerySchema } from '../../core/feed/read-feed.js';
import { itemIdSchema } from '../../core/domain/item-id.js';
import { registerSourceBodyDescription } from '../provider-registry.js';
import { pathParameter, queryParameters, requestSchema, schemaRef, type JsonSchema } from './json-schema.js';
import { jsonAnswer, problemAnswer, withCommonAnswers, type Responses } from './responses.js';

const kbId = pathParameter('kbId', idSchema, 'The knowledge base');
const sourceId = pathParameter('sourceId', idSchema, 'The source, unique within its knowledge base');
const itemId = pathParameter('itemId', itemIdSchema, "The item's id, as the feed's events carry it");

const invalidInput = problemAnswer('Invalid ids, query or body; `issues` lists each problem by path');
const sourceNotFound = problemAnswer('Source (or knowledge base) not found');
const syncRunning = problemAnswer('A sync of this source is running; retry after Retry-After seconds', {
  retryAfter: true,
});
const statusView = schemaRef('SourceStatusView');

/** A function-key operation of the host's API, tagged `tag` unless `extra` says otherwise. */
export function hostOperation(
  tag: string,
  operationId: string,
  summary: string,
  responses: Responses,
  extra: JsonSchema = {},
): JsonSchema {
  return {
    operationId,
    summary,
    tags: [tag],
    ...extra,
    responses: withCommonAnswers(responses, { functionKey: true }),
  };
}

const operation = (operationId: string, summary: string, responses: Responses, extra: JsonSchema = {}) =>
  hostOperation('sources', operationId, summary, responses, extra);

const attachmentId = pathParameter(
  'attachmentId',
  itemIdSchema,
  "The attachment's id, as the attachment list gives it",
);

/** GET and HEAD of the content routes differ only in the body (HEAD answers GET's headers). */
function contentOperation(operationId: string, summary: string, ids: JsonSchema[] = [itemId]): JsonSchema {
  const headers = {
    'Content-Type': { schema: { type: 'string' } },
    'Content-Length': { schema: { type: 'string' } },
    ETag: { schema: { type: 'string' } },
  };
  return operation(
    operationId,
    summary,
    {
      '200': { description: 'The file, streamed from the provider', headers, content: { '*/*': { schema: {} } } },
      '206': {
        description: 'The requested range (RFC 9110 §15.3.7)',
        headers: { ...headers, 'Content-Range': { schema: { type: 'string' } } },
        content: { '*/*': { schema: {} } },
      },
      '304': { description: 'If-None-Match matched: the file did not change' },
      '400': invalidInput,
      '404': problemAnswer('Source, or the item in the drive, not found'),
      '409': problemAnswer('The source needs to be connected again (`state: needs_reauth`)'),
      '416': {
        ...problemAnswer('The Range lies outside the file'),
        headers: { 'Content-Range': { description: 'bytes */{size}', schema: { type: 'string' } } },
      },
      '502': problemAnswer('The drive refused the request'),
      '503': problemAnswer('The drive, or storage, is unavailable for now', { retryAfter: true }),
    },
    {
      parameters: [
        kbId,
        sourceId,
        ...ids,
        { name: 'Range', in: 'header', required: false, schema: { type: 'string' }, description: 'Passed through' },
        {
          name: 'If-None-Match',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: 'Passed through',
        },
      ],
    },
  );
}

export function sourcePaths(): Record<string, JsonSchema> {
  return {
    '/kbs/{kbId}/sources': {
      parameters: [kbId],
      get: operation('sourcesList', 'Status of every source of a knowledge base', {
        '200': jsonAnswer('The sources', schemaRef('SourceList')),
        '400': invalidInput,
        '404': problemAnswer('Knowledge base not found (it has no source)'),
      }),
    },
    '/kbs/{kbId}/sources/{sourceId}': {
      parameters: [kbId, sourceId],
      put: operation(
        'sourcesPut',
        'Register or update a source (idempotent)',
        {
          '200': jsonAnswer('Updated', statusView),
          '201': jsonAnswer('Created', statusView),
          '400': invalidInput,
          '409': syncRunning,
          '422': problemAnswer(
            'Drive/folder not found, the credentials cannot be used (`state: needs_reauth`), or the drive refused access',
          ),
          '503': problemAnswer('The drive, the token endpoint or storage is unavailable for now', { retryAfter: true }),
        },
        {
          requestBody: {
            required: true,
            description: "One variant per source type, each with its provider's location (docs/api.md)",
            content: { 'application/json': { schema: requestSchema(registerSourceBodyDescription) } },
          },
        },
      ),
      get: operation('sourcesGet', 'Status of one source', {
        '200': jsonAnswer('The source', statusView),
        '400': invalidInput,
        '404': sourceNotFound,
      }),
      delete: operation('sourcesDelete', 'Remove a source: its watch, grant, items and events', {
        '204': { description: 'Removed' },
        '400': invalidInput,
        '404': sourceNotFound,
        '409': syncRunning,
      }),
    },
    '/kbs/{kbId}/sources/{sourceId}/audit': {
      parameters: [kbId, sourceId],
      get: operation(
        'sourcesAudit',
        "The source's credential operations, the newest first (kept after the source is removed, for AUDIT_RETENTION_DAYS)",
        { '200': jsonAnswer('The entries', schemaRef('CredentialAudit')), '400': invalidInput },
        {
          parameters: [
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            },
          ],
        },
      ),
    },
    '/kbs/{kbId}/sources/{sourceId}/runs': {
      parameters: [kbId, sourceId],
      get: operation(
        'sourcesRuns',
        "The source's last sync runs, the newest first (at most SYNC_HISTORY_RUNS are kept)",
        { '200': jsonAnswer('The runs', schemaRef('SyncRuns')), '400': invalidInput, '404': sourceNotFound },
        {
          parameters: [
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
            },
          ],
        },
      ),
    },
    '/kbs/{kbId}/sources/{sourceId}/sync': {
      parameters: [kbId, sourceId],
      post: operation('sourcesSync', 'Sync now: queues a job', {
        '202': jsonAnswer('Queued', schemaRef('SyncQueued')),
        '400': invalidInput,
        '404': sourceNotFound,
      }),
    },
    '/kbs/{kbId}/sources/{sourceId}/confirm-deletes': {
      parameters: [kbId, sourceId],
      post: operation('sourcesConfirmDeletes', 'Release the deletes held by the mass-delete guard', {
        '200': jsonAnswer('Released', schemaRef('DeletesConfirmed')),
        '400': invalidInput,
        '404': sourceNotFound,
        '409': problemAnswer(
          'No deletes are held (`state` says the source state), or a sync is running (with Retry-After)',
          { retryAfter: true },
        ),
      }),
    },
    '/kbs/{kbId}/changes': {
      parameters: [kbId],
      get: {
        ...operation(
          'changes',
          "The knowledge base's ordered change feed",
          {
            '200': jsonAnswer('One page of events', schemaRef('FeedPage'), {
              'Cache-Control': { schema: { const: 'no-store' } },
            }),
            '400': invalidInput,
            '404': problemAnswer('Knowledge base not found (it has no source)'),
            '409': problemAnswer('The cursor is not in this feed (docs/api.md, "When the feed was reset")', {
              schema: schemaRef('CursorNotInFeedProblem'),
            }),
          },
          { parameters: queryParameters(feedQuerySchema) },
        ),
        tags: ['feed'],
      },
    },
    '/kbs/{kbId}/sources/{sourceId}/items/{itemId}/content': {
      get: contentOperation('itemContent', "Stream an item's bytes (Range and If-None-Match passed through)"),
      head: contentOperation('itemContentHead', "An item's content headers, without the body"),
    },
    '/kbs/{kbId}/sources/{sourceId}/items/{itemId}/attachments': {
      parameters: [kbId, sourceId, itemId],
      get: operation('itemAttachments', "The files attached to an item (a mail's attachments)", {
        '200': jsonAnswer('The attachments', schemaRef('AttachmentList')),
        '400': invalidInput,
        '404': problemAnswer('Source or item not found, or the source type has no attachments'),
        '409': problemAnswer('The source needs to be connected again (`state: needs_reauth`)'),
        '502': problemAnswer('The provider refused the request'),
        '503': problemAnswer('The provider, or storage, is unavailable for now', { retryAfter: true }),
      }),
    },
    '/kbs/{kbId}/sources/{sourceId}/items/{itemId}/attachments/{attachmentId}/content': {
      get: contentOperation('attachmentContent', "Stream one attachment's bytes", [itemId, attachmentId]),
      head: contentOperation('attachmentContentHead', "An attachment's content headers, without the body", [
        itemId,
        attachmentId,
      ]),
    },
  };
}
