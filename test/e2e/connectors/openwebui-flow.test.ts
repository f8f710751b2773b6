// The Open WebUI connector end to end, as a host uses it with nothing of its own to write: a drive
// registered as a webhook source on the sandbox tenant, the connector PUT over HTTP to the local
// Functions host, and from then on only the tenant changes. Notifications, the sync job, the feed,
// the connector-work queue and the fake Open WebUI (dev/openwebui, over loopback) do the rest until
// the knowledge base holds exactly the drive's files. Every answer is checked against the OpenAPI
// document (the bed's contract recorder). Waits are bounded polls.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- the bed answers untyped JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenWebUi, type FakeOpenWebUi } from '../../../dev/openwebui/fake-openwebui.js';
import { OPENWEBUI_REFUSED } from '../../../shared/integrations/openwebui/openwebui-connector.js';
import { waitFor } from '../../support/host-wait.js';
import { startNotificationsTestBed, type NotificationsTestBed } from '../notifications/notifications-test-bed.js';

let bed: NotificationsTestBed;
let owui: FakeOpenWebUi;

beforeAll(async () => {
  owui = await startFakeOpenWebUi({ processingDelayMs: 20 });
  bed = await startNotificationsTestBed({ OPENWEBUI_BASE_URL: owui.baseUrl, OPENWEBUI_DEBOUNCE_MS: '200' });
}, 60_000);

afterAll(async () => {
  await bed?.stop();
  await owui?.stop();
});

const knowledgeView = (knowledgeId: string) =>
  owui
    .knowledgeFiles(knowledgeId)
    .map((file) => `${file.name}: ${file.content}`)
    .sort();

describe('the Open WebUI connector through the local host', () => {
  it('keeps a knowledge base equal to a drive through edits, renames, moves and deletes, and never shows the key', async () => {
    const kbId = 'kb-owui-flow';
    const { driveId, rootId } = await bed.registerWebhookSource(kbId);
    const control = bed.sandbox.control;
    const user = owui.addUser();
    const knowledgeId = owui.createKnowledge(user, 'Team docs');
    const other = owui.addUser();

    // Refusals first: a malformed body, a knowledge base the key may not write, an unknown one.
    const malformed = await bed.call('PUT', `kbs/${kbId}/connectors/openwebui`, { knowledgeId, apiKey: 'nope' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.issues.map((issue: { path: string }) => issue.path)).toEqual(['apiKey']);
    expect(malformed.text).not.toContain('nope');
    const foreign = await bed.call('PUT', `kbs/${kbId}/connectors/openwebui`, { knowledgeId, apiKey: other.apiKey });
    expect(foreign.status).toBe(400);
    expect(foreign.json.type).toBe(OPENWEBUI_REFUSED);
    const unknown = await bed.call('PUT', `kbs/${kbId}/connectors/openwebui`, {
      knowledgeId: 'no-such-knowledge',
      apiKey: user.apiKey,
    });
    expect(unknown.status).toBe(400);
    expect((await bed.call('GET', `kbs/${kbId}/connectors/openwebui`)).status).toBe(404);

    const created = await bed.call('PUT', `kbs/${kbId}/connectors/openwebui`, { knowledgeId, apiKey: user.apiKey });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kbId, knowledgeId, state: 'active' });
    expect(created.text).not.toContain(user.apiKey);

    // The feed so far (the seed file) reaches Open WebUI with no further call from the host.
    await waitFor('the seed file in the knowledge base', () =>
      knowledgeView(knowledgeId).includes('seed.txt: seed') ? true : undefined,
    );

    // From now on only the drive changes.
    const folder = await control.createFolder(driveId, rootId, 'reports');
    const kept = await control.createFile(driveId, rootId, 'plan.txt', 'plan v1');
    const doomed = await control.createFile(driveId, folder.id, 'draft.txt', 'draft');
    await waitFor('the new files in the knowledge base', () =>
      knowledgeView(knowledgeId).length === 3 ? true : undefined,
    );
    await control.updateFile(driveId, kept.id, 'plan v2');
    await control.rename(driveId, kept.id, 'plan-final.txt');
    const moved = await control.createFile(driveId, rootId, 'notes.txt', 'notes');
    await control.move(driveId, moved.id, folder.id);
    await control.deleteItem(driveId, doomed.id);

    const expected = ['notes.txt: notes', 'plan-final.txt: plan v2', 'seed.txt: seed'];
    await waitFor(
      'the knowledge base equal to the drive',
      () => (JSON.stringify(knowledgeView(knowledgeId)) === JSON.stringify(expected) ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    // Caught up: the status says so, and nothing was uploaded twice or left behind.
    const status = await waitFor('the connector caught up', async () => {
      const answer = await bed.call('GET', `kbs/${kbId}/connectors/openwebui`);
      return answer.json?.cursor && answer.json.cursor === answer.json.headCursor ? answer : undefined;
    });
    expect(status.json).toMatchObject({ state: 'active', lastError: null, failures: [] });
    expect(status.json.counts.failures).toBe(0);
    expect(status.text).not.toContain(user.apiKey);
    const stored = owui.allFiles().filter((file) => file.user_id === user.id);
    expect(stored.map((file) => file.meta.name).sort()).toEqual(['notes.txt', 'plan-final.txt', 'seed.txt']);

    // A PUT with the same mapping (a new key, say) replaces (200) and keeps the cursor: no upload again.
    const uploadsBefore = owui.callCounts().upload ?? 0;
    const replaced = await bed.call('PUT', `kbs/${kbId}/connectors/openwebui`, { knowledgeId, apiKey: user.apiKey });
    expect(replaced.status).toBe(200);
    expect(replaced.json.cursor).toBe(status.json.cursor);
    await waitFor('the replaced connector caught up', async () => {
      const answer = await bed.call('GET', `kbs/${kbId}/connectors/openwebui`);
      return answer.json?.lastRunAt && answer.json.lastRunAt !== status.json.lastRunAt ? true : undefined;
    });

    const removed = await bed.call('DELETE', `kbs/${kbId}/connectors/openwebui`);
    expect(removed.status).toBe(204);
    expect((await bed.call('GET', `kbs/${kbId}/connectors/openwebui`)).status).toBe(404);
    expect(owui.callCounts().upload ?? 0).toBe(uploadsBefore);

    // The key appears in no log line of the host.
    expect(bed.logLines.join('\n')).not.toContain(user.apiKey);
    expect(bed.logLines.some((line) => line.includes('connector.page_applied'))).toBe(true);
  }, 120_000);

  it('answers a bad kbId and an unknown connector with problems, and leaves other KBs alone', async () => {
    const badId = await bed.call('PUT', 'kbs/bad%20kb/connectors/openwebui', {
      knowledgeId: 'k',
      apiKey: 'sk-12345678',
    });
    expect(badId.status).toBe(400);
    expect(badId.json.type).toBeDefined();
    const none = await bed.call('DELETE', 'kbs/kb-without-connector/connectors/openwebui');
    expect(none.status).toBe(404);
  });
});
