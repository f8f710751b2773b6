// The credential audit log end to end (docs/operations.md, "Audit log"): each operation kind leaves a
// row with its actor and outcome — a grant stored by the host's PUT, refreshed (rotated) by a sync,
// a refresh refused after the user's grants were revoked and the source marked needs_reauth, a
// connect flow started and failed in the browser, the grant removed by DELETE — listed newest first
// by GET …/audit, kept after the source is gone, and no row anywhere in the table holds a token.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-explicit-any -- the bed answers untyped JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/host-wait.js';
import { startNotificationsTestBed, type NotificationsTestBed } from '../notifications/notifications-test-bed.js';

let bed: NotificationsTestBed;

beforeAll(async () => {
  bed = await startNotificationsTestBed(
    { PUBLIC_BASE_URL: '', DEFAULT_POLL_INTERVAL_SECONDS: '86400' },
    { google: true },
  );
}, 60_000);

afterAll(async () => {
  await bed?.stop();
});

const operations = async (kbId: string, sourceId: string) =>
  ((await bed.call('GET', `kbs/${kbId}/sources/${sourceId}/audit`)).json.entries as any[]).map(
    (entry) => `${entry.operation}/${entry.actor}/${entry.outcome}`,
  );

describe('the credential audit log', () => {
  it('records every credential operation with its actor and outcome, and never a secret', async () => {
    const kbId = 'kb-audit';
    const control = bed.sandbox.control;
    const userId = bed.sandbox.defaultUserId;
    const { driveId, rootId } = await control.createDrive({ driveType: 'business', ownerUserId: userId });
    await control.createFile(driveId, rootId, 'a.txt', 'a');
    const { refreshToken } = await control.issueRefreshToken({ userId, scopes: ['Files.Read.All', 'offline_access'] });

    expect(
      (await bed.call('PUT', `kbs/${kbId}/sources/src`, { type: 'onedrive', drive: { driveId }, refreshToken })).status,
    ).toBe(201);
    await bed.waitForEvent(kbId, (event) => event.name === 'a.txt');
    // The PUT checks the connection, which refreshes the grant: the host's call did it.
    expect(await operations(kbId, 'src')).toEqual(['refreshed/host/ok', 'grant_stored/host/ok']);
    const entries = (await bed.call('GET', `kbs/${kbId}/sources/src/audit`)).json.entries;
    const refreshed = entries.find((e: any) => e.operation === 'refreshed');
    expect(refreshed.detail).toEqual({ kind: 'delegated', rotated: true });
    expect(entries.at(-1)).toMatchObject({
      operation: 'grant_stored',
      actor: 'host',
      outcome: 'ok',
      detail: { kind: 'delegated' },
    });

    // The user's grants revoked at the identity provider (a password change): the next sync's refresh fails.
    await control.revokeGrant(userId, { revokeAccessTokens: true });
    expect((await bed.call('POST', `kbs/${kbId}/sources/src/sync`)).status).toBe(202);
    await waitFor('the needs_reauth row', async () =>
      (await operations(kbId, 'src')).includes('needs_reauth/sync/ok') ? true : undefined,
    );
    const failed = (await bed.call('GET', `kbs/${kbId}/sources/src/audit`)).json.entries.find(
      (e: any) => e.operation === 'refresh_failed',
    );
    expect(failed).toMatchObject({
      actor: 'sync',
      outcome: 'failed',
      detail: { transient: false, error: 'invalid_grant' },
    });

    // A browser connect flow for a second source, started and then denied by the user.
    expect(
      (await bed.call('PUT', `kbs/${kbId}/sources/pending`, { type: 'onedrive', drive: { driveId } })).status,
    ).toBe(201);
    const query = new URLSearchParams({ kbId, sourceId: 'pending', returnTo: 'http://localhost:3000/back' });
    const start = await fetch(`${bed.host.baseUrl}/api/connect/start?${query.toString()}`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const callback = new URLSearchParams({ state, error: 'access_denied', error_description: 'The user said no' });
    const back = await fetch(`${bed.host.baseUrl}/api/connect/callback?${callback.toString()}`, { redirect: 'manual' });
    expect(back.status).toBe(302);
    expect(await operations(kbId, 'pending')).toEqual(['connect_failed/user/failed', 'connect_started/user/ok']);

    // Removing the source removes its grant; the log stays.
    expect((await bed.call('DELETE', `kbs/${kbId}/sources/src`)).status).toBe(204);
    const final = await operations(kbId, 'src');
    expect(final[0]).toBe('grant_removed/host/ok');
    expect(final).toEqual(
      expect.arrayContaining([
        'grant_stored/host/ok',
        'refreshed/host/ok',
        'refresh_failed/sync/failed',
        'needs_reauth/sync/ok',
      ]),
    );

    // No row of the table, raw, holds the refresh token, an access token or a code.
    const raw: string[] = [];
    for await (const row of bed.storage.table('audit').listEntities()) raw.push(JSON.stringify(row));
    expect(raw.length).toBeGreaterThanOrEqual(7);
    const text = raw.join('\n');
    expect(text).not.toContain(refreshToken);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(text).not.toContain(state);
    expect((await bed.call('GET', `kbs/${kbId}/sources/src/audit?limit=0`)).status).toBe(400);
  }, 120_000);
});
