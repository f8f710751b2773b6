// Poison queues, end to end (docs/operations.md): a sync job the host gave up on (moved to
// sync-jobs-poison after maxDequeueCount failed attempts) is listed with no reason, replayed through
// the master-key route, and its sync puts the file it missed in the feed; a message the app refused
// itself is listed with its reason and discarded. A function key does not open these routes, and
// `npm run poison` does the same from a terminal. Polling mode (no webhook), so only the replay syncs.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../../shared/adapters/azure-queues/queue-writer.js';
import { waitFor } from '../../support/host-wait.js';
import { poisonQueueOf } from '../../../shared/adapters/azure-queues/poison-queue.js';
import { startNotificationsTestBed, type NotificationsTestBed } from '../notifications/notifications-test-bed.js';

let bed: NotificationsTestBed;

beforeAll(async () => {
  bed = await startNotificationsTestBed({ PUBLIC_BASE_URL: '', DEFAULT_POLL_INTERVAL_SECONDS: '86400' });
}, 60_000);

afterAll(async () => {
  await bed?.stop();
});

describe('poison queues through the operations routes', () => {
  it('lists, replays into the feed and discards, with the master key only', async () => {
    const kbId = 'kb-poison';
    const control = bed.sandbox.control;
    const { driveId, rootId } = await control.createDrive({
      driveType: 'business',
      ownerUserId: bed.sandbox.defaultUserId,
    });
    await control.createFile(driveId, rootId, 'seed.txt', 'seed');
    const { refreshToken } = await control.issueRefreshToken({
      userId: bed.sandbox.defaultUserId,
      scopes: ['Files.Read.All', 'offline_access'],
    });
    const put = await bed.call('PUT', `kbs/${kbId}/sources/src`, {
      type: 'onedrive',
      drive: { driveId },
      refreshToken,
    });
    expect(put.status).toBe(201);
    await bed.waitForEvent(kbId, (event) => event.name === 'seed.txt');
    // The registration's sync has ended, so nothing but the replay will read the drive again.
    await waitFor('the registered sync done', () => bed.syncReasons(kbId).includes('registered'));

    // A change nothing will sync (polling once a day), and the sync job that would have: given up on.
    await control.createFile(driveId, rootId, 'missed.txt', 'missed');
    const poison = bed.storage.queue('sync-jobs-poison');
    await poison.sendMessage(encodeMessage({ kbId, sourceId: 'src', reason: 'sync-now' }));
    await poisonQueueOf(bed.storage, 'sync-jobs').send(
      { kbId, nonsense: true },
      'invalid sync-job message: sourceId: Required',
    );

    expect((await bed.call('GET', 'ops/poison')).status).toBe(401);
    const summary = await bed.callAdmin('GET', 'ops/poison');
    expect(summary.status).toBe(200);
    expect(
      summary.json.queues.find((q: { queue: string; approximateCount: number }) => q.queue === 'sync-jobs'),
    ).toEqual({
      queue: 'sync-jobs',
      approximateCount: 2,
    });
    expect(
      summary.json.queues.find((q: { queue: string; approximateCount: number }) => q.queue === 'graph-notifications')
        .approximateCount,
    ).toBe(0);

    const listed = await bed.callAdmin('GET', 'ops/poison/sync-jobs');
    expect(listed.status).toBe(200);
    expect(listed.json.approximateCount).toBe(2);
    const gaveUp = listed.json.messages.find((m: { reason: string | null }) => m.reason === null);
    const refused = listed.json.messages.find((m: { reason: string | null }) => m.reason !== null);
    expect(gaveUp.message).toEqual({ kbId, sourceId: 'src', reason: 'sync-now' });
    expect(refused.reason).toBe('invalid sync-job message: sourceId: Required');
    expect(refused.message).toEqual({ kbId, nonsense: true });

    expect(bed.syncReasons(kbId)).not.toContain('sync-now');
    const replayed = await bed.callAdmin('POST', `ops/poison/sync-jobs/messages/${gaveUp.id}/replay`);
    expect(replayed.status).toBe(200);
    expect(replayed.json).toEqual({ queue: 'sync-jobs', messageId: gaveUp.id, replayed: true });
    await bed.waitForEvent(kbId, (event) => event.name === 'missed.txt');
    await waitFor('the replayed sync done', () => bed.syncReasons(kbId).includes('sync-now'));
    expect(bed.syncReasons(kbId)).toEqual(['registered', 'sync-now']);

    expect((await bed.callAdmin('POST', `ops/poison/sync-jobs/messages/${gaveUp.id}/replay`)).status).toBe(404);
    expect((await bed.call('DELETE', `ops/poison/sync-jobs/messages/${refused.id}`)).status).toBe(401);
    expect((await bed.callAdmin('DELETE', `ops/poison/sync-jobs/messages/${refused.id}`)).status).toBe(204);
    expect((await bed.callAdmin('DELETE', `ops/poison/sync-jobs/messages/${refused.id}`)).status).toBe(404);
    const after = await bed.callAdmin('GET', 'ops/poison/sync-jobs');
    expect(after.json).toEqual({ queue: 'sync-jobs', approximateCount: 0, messages: [] });

    // Only the app's work queues: nothing else of the storage account is reachable.
    expect((await bed.callAdmin('GET', 'ops/poison/localtokens')).status).toBe(404);
    expect((await bed.callAdmin('GET', 'ops/poison/sync-jobs?limit=0')).status).toBe(400);
  }, 90_000);

  it('npm run poison lists a queue with the master key, and refuses a bad command', async () => {
    await poisonQueueOf(bed.storage, 'maintenance-work').send({ kind: 'nope' }, 'invalid maintenance message');
    // Asynchronously: the local host answering the CLI runs in this process.
    const run = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'dev/poison-cli.ts', ...args],
          {
            encoding: 'utf8',
            env: { ...process.env, KB_SYNC_URL: bed.host.baseUrl, KB_SYNC_MASTER_KEY: bed.adminKey },
            timeout: 30_000,
          },
          (error, stdout, stderr) =>
            resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
        );
      });
    const listed = await run(['list', 'maintenance-work']);
    expect(listed.status, listed.stderr).toBe(0);
    const answer = JSON.parse(listed.stdout) as { messages: Array<{ id: string; reason: string | null }> };
    expect(answer.messages.map((m: { reason: string | null }) => m.reason)).toEqual(['invalid maintenance message']);
    const id = answer.messages[0]!.id;
    expect((await run(['discard', 'maintenance-work', id])).status).toBe(0);
    expect((await run(['discard', 'maintenance-work', id])).status).toBe(1);
    const usage = await run(['replay']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage: npm run poison');
  }, 60_000);
});
