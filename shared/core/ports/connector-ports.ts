// The ports of connectors (core/connectors): a worker that reads a KB's feed from its own cursor and
// applies it to a host product's collection through a KbSink (Open WebUI's knowledge API is one,
// shared/integrations/openwebui). Adapters: azure-tables/connector-store.ts and
// connector-item-store.ts, the connector API key in the secret store (Key Vault, or the local sealed
// table, like the grants), the connector-work queue (app/connector-services.ts).
import { z } from 'zod';
import type { ConnectorItem, ConnectorRecord } from '../connectors/connector-record.js';

export interface StoredConnector {
  record: ConnectorRecord;
  etag: string;
}

export interface ConnectorRepository {
  get(kbId: string, type: string): Promise<StoredConnector | undefined>;
  /** Writes only if the row is still at `etag` (undefined: still absent); false when someone else won. */
  write(record: ConnectorRecord, etag: string | undefined): Promise<boolean>;
  /** Idempotent. */
  delete(kbId: string, type: string): Promise<void>;
  /** Every connector of every KB (the maintenance timer's safety net). */
  listAll(): Promise<ConnectorRecord[]>;
}

/** The item map of one KB's connector: written by the run that holds the connector's lease only. */
export interface ConnectorItemRepository {
  get(kbId: string, type: string, sourceId: string, itemId: string): Promise<ConnectorItem | undefined>;
  put(kbId: string, type: string, item: ConnectorItem): Promise<void>;
  /** Items whose last event failed, up to `limit`. */
  listFailures(kbId: string, type: string, limit: number): Promise<ConnectorItem[]>;
  /** Removes the whole map (the connector was deleted or points at another collection); returns how many. */
  deleteAll(kbId: string, type: string): Promise<number>;
}

/** A connector's credential for the host product (an API key): stored like a grant, never in a row. */
export interface ConnectorSecretStore {
  read(kbId: string): Promise<string | undefined>;
  write(kbId: string, secret: string): Promise<void>;
  /** Idempotent. */
  remove(kbId: string): Promise<void>;
}

export const connectorRunMessageSchema = z.object({
  kind: z.literal('connector-run'),
  kbId: z.string().min(1),
  type: z.string().min(1),
});
export type ConnectorRunMessage = z.infer<typeof connectorRunMessageSchema>;

export interface ConnectorQueue {
  /** Puts a run message on the connector-work queue, visible after `delayMs`. */
  schedule(message: ConnectorRunMessage, delayMs: number): Promise<void>;
}

/**
 * Why a sink refused something. `unauthorized` stops the connector (every call would fail the same
 * way); `transient` ends the run without moving the cursor (retried later); every other kind is a
 * per-item failure, recorded on the item, and the run goes on with the rest.
 */
export const SINK_FAILURE_KINDS = [
  'unauthorized',
  'collection_gone',
  'transient',
  'unsupported_type',
  'too_large',
  'not_processed',
  'duplicate_content',
  'content_unavailable',
  'rejected',
] as const;
export type SinkFailureKind = (typeof SINK_FAILURE_KINDS)[number];

export class SinkError extends Error {
  constructor(
    readonly kind: SinkFailureKind,
    /** The HTTP status the host product answered, when it answered. */
    readonly status: number | undefined,
    readonly detail: string,
  ) {
    super(`${kind}${status === undefined ? '' : ` (HTTP ${status})`}: ${detail}`);
    this.name = 'SinkError';
  }

  /** Stops the whole connector rather than one item. */
  get stopsConnector(): boolean {
    return this.kind === 'unauthorized' || this.kind === 'collection_gone';
  }
}

export interface SinkFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * One collection of a host product, with its credential. Two-phase: a file is uploaded, made ready
 * (processed), then attached; so a crash between upload and attach leaves a recorded file id that the
 * next run attaches or discards. Every method throws SinkError.
 */
export interface KbSink {
  /** Uploads the bytes; returns the host's file id. The file is not in the collection yet. */
  upload(file: SinkFile): Promise<string>;
  /** Waits until the host can attach the file (its processing finished); throws not_processed otherwise. */
  waitReady(fileId: string): Promise<void>;
  /** Puts the file into the collection; attaching one already there succeeds. */
  attach(fileId: string): Promise<void>;
  /** Takes the file out of the collection and deletes it; 'absent' when it was not there. */
  detach(fileId: string): Promise<'removed' | 'absent'>;
  /** Deletes a file that was never attached; a file already gone is no error. */
  discard(fileId: string): Promise<void>;
  /** Renames the file; 'absent' when it no longer exists. */
  rename(fileId: string, name: string): Promise<'renamed' | 'absent'>;
}

/** The sink of a registered connector (its type's client, its collection, its key). */
export type SinkFactory = (record: ConnectorRecord, secret: string) => KbSink;
