// A delegated grant document for the store tests.
import type { StoredGrant } from '../../../shared/core/tokens/stored-grant.js';

export function delegatedGrant(refreshToken: string): StoredGrant {
  return {
    schemaVersion: 1,
    kind: 'delegated',
    refreshToken,
    tenantId: 'contoso',
    scopes: ['offline_access', 'Files.Read.All'],
    obtainedAt: '2026-01-01T00:00:00.000Z',
  };
}
