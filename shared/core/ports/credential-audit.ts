// The audit log of credential operations (docs/operations.md, "Audit log"): append-only rows per
// source of every grant stored, refreshed, failed, revoked or removed, every source that needs
// reauthorization, and every connect flow started, completed or failed; with who did it and the
// outcome, never a secret. The Table Storage adapter is shared/adapters/azure-tables/audit-store.ts.
import { z } from 'zod';
import type { SourceKey } from '../domain/source.js';

export const AUDIT_OPERATIONS = [
  'grant_stored',
  'refreshed',
  'refresh_failed',
  'revoked',
  'revoke_failed',
  'grant_removed',
  'needs_reauth',
  'connect_started',
  'connect_completed',
  'connect_failed',
] as const;

export const AUDIT_ACTORS = ['host', 'user', 'sync', 'maintenance', 'app'] as const;
export type AuditActor = (typeof AUDIT_ACTORS)[number];

export const auditEntrySchema = z
  .object({
    at: z.string(),
    operation: z.enum(AUDIT_OPERATIONS),
    actor: z
      .enum(AUDIT_ACTORS)
      .describe(
        'host: a host call with the function key; user: the browser connect flow; sync, maintenance: the service itself; app: anything else',
      ),
    outcome: z.enum(['ok', 'failed']),
    /** Facts, never values: the grant kind, rotated or not, the classified failure reason. */
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  })
  .describe('One credential operation on a source');
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditBodySchema = z
  .object({ entries: z.array(auditEntrySchema).describe('The newest first') })
  .describe("A source's credential audit log");

export interface CredentialAudit {
  append(key: SourceKey, entry: AuditEntry): Promise<void>;
  /** The newest first. */
  list(key: SourceKey, limit: number): Promise<AuditEntry[]>;
}
