// Sync history end to end (docs/operations.md, "Sync history"): GET …/sources/{sourceId}/runs lists
// a source's runs, the newest first, with why each ran, what it did (pages, events, Graph requests)
// and why one did not sync; a grant revoked at the identity provider shows as a needs_reauth run
// with its reason and no secret. Polling mode, so only the runs the test asks for happen.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- the bed answers untyped JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/host-wait.js';
import { startNotificationsTestBed, type NotificationsTestBed } from '../notifications/notifications-test-bed.js';

let bed: NotificationsTestBed;

beforeAll(async () => {
  bed = await startNotificationsTestBed({ PUBLIC_BASE_URL: '', DEFAULT_POLL_INTERVAL_SECONDS: '86400' });
}, 60_000);

afterAll(async () => {
  await bed?.stop();
});

describe('sync history', () => {
  it('lists runs newest first with their figures, and a revoked grant as needs_reauth', async () => {
    const kbId = 'kb-runs';
    const control = bed.sandbox.control;
    const { driveId, rootId } = await control.createDrive({
      driveType: 'business',
      ownerUserId: bed.sandbox.defaultUserId,
    });
    for (const name of ['a.txt', 'b.txt', 'c.txt']) await control.createFile(driveId, rootId, name, name);
    const { refreshToken } = await control.issueRefreshToken({
      userId: bed.sandbox.defaultUserId,
      scopes: ['Files.Read.All', 'offline_access'],
    });
    expect((await bed.call('GET', `kbs/${kbId}/sources/src/runs`)).status).toBe(404);
    const put = await bed.call('PUT', `kbs/${kbId}/sources/src`, {
      type: 'onedrive',
      drive: { driveId },
      refreshToken,
    });
    expect(put.status).toBe(201);

    const first = await waitFor('the first run', async () => {
      const answer = await bed.call('GET', `kbs/${kbId}/sources/src/runs`);
      return answer.json?.runs?.length === 1 ? answer.json.runs[0] : undefined;
    });
    expect(first).toMatchObject({ reason: 'registered', outcome: 'synced', events: 3, held: 0, error: null });
    expect(first.pages).toBeGreaterThanOrEqual(1);
    // The crawl's delta pages at least, counted by the Graph transport.
    expect(first.providerRequests).toBeGreaterThanOrEqual(first.pages);
    expect(Date.parse(first.endedAt)).toBeGreaterThanOrEqual(Date.parse(first.startedAt));

    await control.createFile(driveId, rootId, 'd.txt', 'd');
    expect((await bed.call('POST', `kbs/${kbId}/sources/src/sync`)).status).toBe(202);
    const second = await waitFor('the second run', async () => {
      const answer = await bed.call('GET', `kbs/${kbId}/sources/src/runs`);
      return answer.json?.runs?.length === 2 ? answer.json.runs : undefined;
    });
    expect(second[0]).toMatchObject({ reason: 'sync-now', outcome: 'synced', events: 1 });
    expect(second[1]).toEqual(first);

    await control.revokeGrant(bed.sandbox.defaultUserId, { revokeAccessTokens: true });
    expect((await bed.call('POST', `kbs/${kbId}/sources/src/sync`)).status).toBe(202);
    const third = await waitFor('the third run', async () => {
      const answer = await bed.call('GET', `kbs/${kbId}/sources/src/runs?limit=1`);
      return answer.json?.runs?.[0]?.outcome === 'needs_reauth' ? answer : undefined;
    });
    expect(third.json.runs).toHaveLength(1);
    expect(third.json.runs[0].error).toBeTruthy();
    expect(third.text).not.toContain(refreshToken);
    expect((await bed.call('GET', `kbs/${kbId}/sources/src/runs?limit=0`)).status).toBe(400);

    // Removing the source removes its history.
    expect((await bed.call('DELETE', `kbs/${kbId}/sources/src`)).status).toBe(204);
    expect((await bed.call('GET', `kbs/${kbId}/sources/src/runs`)).status).toBe(404);
    expect(await bed.services.syncRuns.list({ kbId, sourceId: 'src' }, 50)).toEqual([]);
  }, 90_000);
});
