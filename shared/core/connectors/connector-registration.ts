// PUT, GET and DELETE of a KB's connector (functions/openwebui-connector-*.ts). A PUT verifies the
// collection with the given credential first (the sink's `verify`), stores the credential in the
// secret store, then writes the row: active, a new registration id. Pointing the connector at another
// collection starts over (cursor at the start, item map cleared); the same collection keeps the
// cursor, so a PUT with a new key after a 401 resumes where the connector stopped. DELETE removes the
// row, the item map and the credential; the files stay in the product's collection.
import { randomUUID } from 'node:crypto';
import type { ChangeFeed } from '../ports/change-feed.js';
import type { ConnectorItemRepository, ConnectorRepository, ConnectorSecretStore } from '../ports/connector-ports.js';
import { SinkError } from '../ports/connector-ports.js';
import { ZERO_COUNTS, type ConnectorItem, type ConnectorRecord } from './connector-record.js';
import { scheduleConnectorRun, type ConnectorNotifierDeps } from './connector-notifier.js';

export interface ConnectorRegistrationDeps {
  connectors: ConnectorRepository;
  items: Pick<ConnectorItemRepository, 'listFailures' | 'deleteAll'>;
  secrets: ConnectorSecretStore;
  feed: Pick<ChangeFeed, 'head'>;
  scheduler: Omit<ConnectorNotifierDeps, 'types'>;
  /** Checks that the collection exists and the credential may write it; throws SinkError. */
  verify(collectionId: string, secret: string): Promise<void>;
  now?: () => Date;
}

export interface RegisterConnectorInput {
  collectionId: string;
  secret: string;
}

export interface ConnectorStatus {
  record: ConnectorRecord;
  headCursor: string;
  failures: ConnectorItem[];
}

export type RegisterConnectorResult =
  { kind: 'created' | 'updated'; status: ConnectorStatus } | { kind: 'refused'; reason: SinkError };

const MAX_ATTEMPTS = 10;
export const MAX_LISTED_FAILURES = 100;

export async function registerConnector(
  deps: ConnectorRegistrationDeps,
  kbId: string,
  type: string,
  input: RegisterConnectorInput,
): Promise<RegisterConnectorResult> {
  try {
    await deps.verify(input.collectionId, input.secret);
  } catch (error) {
    if (error instanceof SinkError && error.kind !== 'transient') return { kind: 'refused', reason: error };
    throw error;
  }
  // The secret first: a row never names a registration whose secret was not stored.
  await deps.secrets.write(kbId, input.secret);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await deps.connectors.get(kbId, type);
    const sameCollection = current?.record.collectionId === input.collectionId;
    if (current && !sameCollection) await deps.items.deleteAll(kbId, type);
    const now = (deps.now?.() ?? new Date()).toISOString();
    const record: ConnectorRecord = {
      kbId,
      type,
      collectionId: input.collectionId,
      state: 'active',
      registrationId: randomUUID(),
      createdAt: current?.record.createdAt ?? now,
      updatedAt: now,
      cursor: sameCollection ? current.record.cursor : '',
      counts: sameCollection ? current.record.counts : ZERO_COUNTS,
      consecutiveErrors: 0,
    };
    if (await deps.connectors.write(record, current?.etag)) {
      await scheduleConnectorRun(deps.scheduler, kbId, type, 0);
      return { kind: current ? 'updated' : 'created', status: await statusOf(deps, kbId, type, record) };
    }
  }
  throw new Error('the connector row kept changing during registration; try again');
}

async function statusOf(
  deps: Pick<ConnectorRegistrationDeps, 'feed' | 'items'>,
  kbId: string,
  type: string,
  record: ConnectorRecord,
): Promise<ConnectorStatus> {
  const [headCursor, failures] = await Promise.all([
    deps.feed.head(kbId),
    deps.items.listFailures(kbId, type, MAX_LISTED_FAILURES),
  ]);
  return { record, headCursor, failures };
}

export async function getConnector(
  deps: Pick<ConnectorRegistrationDeps, 'connectors' | 'feed' | 'items'>,
  kbId: string,
  type: string,
): Promise<ConnectorStatus | undefined> {
  const stored = await deps.connectors.get(kbId, type);
  return stored ? statusOf(deps, kbId, type, stored.record) : undefined;
}

export async function deleteConnector(
  deps: Pick<ConnectorRegistrationDeps, 'connectors' | 'items' | 'secrets'>,
  kbId: string,
  type: string,
): Promise<'deleted' | 'not_found'> {
  const stored = await deps.connectors.get(kbId, type);
  // The row first: a run in flight then finds its registration gone and writes nothing more.
  await deps.connectors.delete(kbId, type);
  await deps.items.deleteAll(kbId, type);
  await deps.secrets.remove(kbId);
  return stored ? 'deleted' : 'not_found';
}
