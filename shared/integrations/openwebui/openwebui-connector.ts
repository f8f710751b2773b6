// The Open WebUI connector's HTTP shapes (functions/openwebui-connector-*.ts, docs/open-webui.md):
// the PUT body, and the status GET answers, mapped from the neutral connector status of core.
import { z } from 'zod';
import { CONNECTOR_STATES, connectorCountsSchema } from '../../core/connectors/connector-record.js';
import type { ConnectorStatus } from '../../core/connectors/connector-registration.js';
import { SINK_FAILURE_KINDS } from '../../core/ports/connector-ports.js';

export const OPENWEBUI_CONNECTOR_TYPE = 'openwebui';

/** The problem type of a PUT whose knowledge id or API key Open WebUI refused. */
export const OPENWEBUI_REFUSED = 'urn:kb-sync:problem:openwebui-refused';

export const registerOpenWebUiBodySchema = z.object({
  knowledgeId: z.string().min(1).max(200).describe("The Open WebUI knowledge base's id"),
  apiKey: z
    .string()
    .regex(/^sk-[A-Za-z0-9_-]{8,200}$/, 'must be an Open WebUI API key (sk-…)')
    .describe(
      'An Open WebUI API key (Settings → Account) of a user who may write the knowledge base; never answered back',
    ),
});
export type RegisterOpenWebUiBody = z.infer<typeof registerOpenWebUiBodySchema>;

const nullable = <S extends z.ZodType>(schema: S, description: string) => schema.nullable().describe(description);

export const itemFailureViewSchema = z
  .object({
    sourceId: z.string(),
    itemId: z.string(),
    name: z.string().nullable(),
    kind: z
      .enum(SINK_FAILURE_KINDS)
      .describe('unsupported_type, too_large, not_processed, duplicate_content, content_unavailable or rejected'),
    status: nullable(z.number().int(), 'The HTTP status Open WebUI answered'),
    detail: z.string().describe("Open WebUI's own error detail"),
    eventId: z.string(),
    at: z.string(),
  })
  .describe("An item whose last change Open WebUI refused; the item's next change is tried again");

export const openWebUiConnectorViewSchema = z
  .object({
    kbId: z.string(),
    knowledgeId: z.string(),
    state: z
      .enum(CONNECTOR_STATES)
      .describe('stopped: Open WebUI refused the API key or the knowledge base is gone; PUT again to resume'),
    stoppedReason: nullable(z.string(), 'Why the connector stopped'),
    createdAt: z.string(),
    updatedAt: z.string(),
    cursor: z.string().describe('The feed cursor up to which every event was applied ("" is the start)'),
    headCursor: z.string().describe("The feed's newest cursor: the connector has caught up when both are equal"),
    counts: connectorCountsSchema.describe('Totals since the connector started on this knowledge base'),
    lastRunAt: nullable(z.string(), 'ISO 8601'),
    lastAppliedAt: nullable(z.string(), 'ISO 8601 time a page of events was last applied'),
    lastError: nullable(z.string(), 'Why the last run ended early (retried with backoff)'),
    failures: z.array(itemFailureViewSchema).describe('Items whose last change failed (at most 100)'),
  })
  .describe("A knowledge base's Open WebUI connector and how far it applied the feed (never the API key)");
export type OpenWebUiConnectorView = z.infer<typeof openWebUiConnectorViewSchema>;

export function toOpenWebUiConnectorView(status: ConnectorStatus): OpenWebUiConnectorView {
  const { record, headCursor, failures } = status;
  return {
    kbId: record.kbId,
    knowledgeId: record.collectionId,
    state: record.state,
    stoppedReason: record.stoppedReason ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    cursor: record.cursor,
    headCursor,
    counts: record.counts,
    lastRunAt: record.lastRunAt ?? null,
    lastAppliedAt: record.lastAppliedAt ?? null,
    lastError: record.lastError ?? null,
    failures: failures.flatMap((item) =>
      item.failure
        ? [
            {
              sourceId: item.sourceId,
              itemId: item.itemId,
              name: item.name ?? null,
              kind: item.failure.kind,
              status: item.failure.status ?? null,
              detail: item.failure.detail,
              eventId: item.failure.eventId,
              at: item.failure.at,
            },
          ]
        : [],
    ),
  };
}
