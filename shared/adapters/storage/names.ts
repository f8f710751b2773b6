// Every queue and table the app uses, in one place: start-up creates them, infra declares them,
// and the infra test checks both against this list.

export const QUEUES = {
  graphNotifications: 'graph-notifications',
  graphLifecycle: 'graph-lifecycle',
  syncJobs: 'sync-jobs',
  maintenanceWork: 'maintenance-work',
  /** Scheduled pushes to the hosts' callbacks (core/hooks). */
  hookDelivery: 'hook-delivery',
  /** Runs of the KBs' connectors that apply the feed to a host product (core/connectors). */
  connectorWork: 'connector-work',
} as const;

export const TABLES = {
  sources: 'sources',
  items: 'items',
  changes: 'changes',
  changeCounters: 'changecounters',
  leases: 'leases',
  subscriptions: 'subscriptions',
  localTokens: 'localtokens',
  /** One row per connect flow in progress (PKCE verifier, one-time use): shared/connect. */
  connectStates: 'connectstates',
  /** One row per knowledge base with a push callback (core/hooks); its secret lives in the secret store. */
  hooks: 'hooks',
  /** One row per knowledge base and connector (core/connectors): cursor, counts, state; its API key lives in the secret store. */
  connectors: 'connectors',
  /** A connector's item map: itemId → the host's file id, the upload pending attach, the last failure. */
  connectorItems: 'connectoritems',
  /** The last SYNC_HISTORY_RUNS sync runs of each source, the newest first (docs/operations.md). */
  syncRuns: 'syncruns',
  /** Append-only rows of every credential operation per source, kept AUDIT_RETENTION_DAYS (docs/operations.md). */
  audit: 'audit',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export type TableName = (typeof TABLES)[keyof typeof TABLES];

export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUES);
export const ALL_TABLES: readonly TableName[] = Object.values(TABLES);

/** Where the host moves a message after maxDequeueCount failed attempts. */
export function poisonQueueName(queue: string): string {
  return `${queue}-poison`;
}
