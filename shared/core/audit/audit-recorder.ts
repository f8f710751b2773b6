// Who is acting, and the one way core writes an audit row (ports/credential-audit.ts). The actor
// travels with the call (AsyncLocalStorage): the use case a trigger calls sets it once
// (`actingAs('host', …)`), and the token manager deep below records it without knowing the trigger.
// A row that cannot be written is logged, never the operation's failure: the operation happened.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SourceKey } from '../domain/source.js';
import type { AuditActor, AuditEntry, CredentialAudit } from '../ports/credential-audit.js';
import type { Logger } from '../ports/logger.js';

const actor = new AsyncLocalStorage<AuditActor>();

export function actingAs<T>(who: AuditActor, run: () => Promise<T>): Promise<T> {
  return actor.run(who, run);
}

export type AuditRecorder = (
  key: SourceKey,
  operation: AuditEntry['operation'],
  outcome: AuditEntry['outcome'],
  detail?: AuditEntry['detail'],
) => Promise<void>;

export function auditRecorder(
  audit: Pick<CredentialAudit, 'append'>,
  log: Logger,
  now = () => new Date(),
): AuditRecorder {
  return async (source, operation, outcome, detail = {}) => {
    // Only the key: callers may hand a whole source record (a SourceRecord is a SourceKey), whose
    // cursor and subscription id must reach no row and no log line.
    const key = { kbId: source.kbId, sourceId: source.sourceId };
    try {
      await audit.append(key, {
        at: now().toISOString(),
        operation,
        actor: actor.getStore() ?? 'app',
        outcome,
        detail,
      });
    } catch (error) {
      log.warn('audit.not_written', { ...key, operation, error: error instanceof Error ? error.name : 'unknown' });
    }
  };
}

/** For use without an audit log (engine tests). */
export const noAudit: AuditRecorder = async () => {};
