// GET /api/kbs/{kbId}/sources[/{sourceId}]: status of one source or of all sources of a KB.
import type { SourceKey } from '../domain/source.js';
import type { SourceRepository } from '../ports/source-repository.js';
import { toStatusView, type SourceStatusView } from './source-status-view.js';

export async function getSourceStatus(
  sources: Pick<SourceRepository, 'get'>,
  key: SourceKey,
  now: Date = new Date(),
): Promise<SourceStatusView | undefined> {
  const stored = await sources.get(key);
  return stored ? toStatusView(stored.record, now) : undefined;
}

/** Undefined for an unknown KB (one without sources), so the API can answer 404. */
export async function listSourceStatuses(
  sources: Pick<SourceRepository, 'list'>,
  kbId: string,
  now: Date = new Date(),
): Promise<SourceStatusView[] | undefined> {
  const records = await sources.list(kbId);
  if (records.length === 0) return undefined;
  return records.map((record) => toStatusView(record, now)).sort((a, b) => a.sourceId.localeCompare(b.sourceId));
}
