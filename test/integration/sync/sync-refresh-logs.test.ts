// Issue 10 item 5: an access token refreshed in the middle of a sync must not carry the source's row
// into the logs. The provider hands the token manager the whole source record (a SourceRecord is a
// SourceKey); its cursor is a nextLink with `delta(token='…')` and it has a subscription id. A
// multi-page delta runs on the real sandbox and Azurite, the token manager's clock jumps past the
// access token's expiry between pages, and every log line (formatted and raw fields, sync and token
// manager, plus the console) is searched for the cursors, their tokens and the subscription id.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RefreshingTokenManager } from '../../../shared/core/tokens/refreshing-token-manager.js';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';
import { driveView } from '../../support/source-record.js';
import { uniqueName } from '../../support/storage.js';
import { tokenTestBed, type TokenTestBed } from '../tokens/token-harness.js';

const HOUR = 3_600_000;

/** The token inside a delta or paging link, in any of its forms (quoted, percent-quoted, query). */
function tokenOf(link: string): string | undefined {
  return /(?:token|skiptoken)=(?:'|%27)?([^'&)%]+)/i.exec(link)?.[1];
}

describe('a token refresh in the middle of a sync', () => {
  let h: SyncHarness;
  let bed: TokenTestBed;
  let tokens: RefreshingTokenManager;
  beforeAll(async () => {
    h = await startSyncHarness(
      { childFirst: 0, duplicateRate: 0, defaultPageSize: 2, pageSizeJitter: 0 },
      {
        tokens: async (sandbox) => {
          bed = await tokenTestBed(sandbox);
          tokens = bed.instance();
          return tokens;
        },
      },
    );
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => h.stop());

  it('logs only kbId and sourceId: no cursor, delta token or subscription id in any output', async () => {
    const c = h.sandbox.control;
    const user = await c.createUser({ displayName: 'refresh-logs' });
    const { driveId, rootId } = await c.createDrive({ driveType: 'business', ownerUserId: user.id });
    await c.createFile(driveId, rootId, 'first.txt', 'first');
    const key = { kbId: uniqueName('kbrefreshlogs'), sourceId: 's' };
    const { refreshToken } = await c.issueRefreshToken({ userId: user.id, scopes: ['Files.Read.All'] });
    await tokens.storeGrant(key, { refreshToken, tenantId: h.sandbox.tenantId });
    await h.register({ ...key, driveId });
    expect((await h.syncer().run(key)).status).toBe('synced');

    // A webhook source's row: a stored deltaLink and a subscription id.
    const subscriptionId = randomUUID();
    await h.sources.update(key, (s) => ({ ...s, mode: 'webhook', subscriptionId }));
    const deltaLinkBefore = driveView((await h.sources.get(key))!.record).cursor!;
    for (let i = 0; i < 8; i++) await c.createFile(driveId, rootId, `later-${i}.txt`, `later ${i}`);

    const consoleLines: string[] = [];
    for (const level of ['debug', 'info', 'warn', 'error', 'log'] as const) {
      vi.spyOn(globalThis.console, level).mockImplementation(
        (...args: unknown[]) => void consoleLines.push(args.join(' ')),
      );
    }
    const provider = h.providers.get('onedrive');
    const fetches = vi.spyOn(provider, 'fetchChanges');
    const refreshesBefore = bed.logs.lines.filter((line) => line.includes('"token.refreshed"')).length;
    const linesBefore = { sync: h.logLines.length, tokens: bed.logs.lines.length, fields: bed.logs.fields.length };

    // Before the third page, this side's clock passes the access token's expiry: that page refreshes.
    const outcome = await h
      .syncer((step, index) => {
        if (step === 'fetch' && index === 2) void bed.advance(2 * HOUR);
      })
      .run(key);
    expect(outcome).toMatchObject({ status: 'synced' });
    expect(outcome.status === 'synced' && outcome.pages).toBeGreaterThanOrEqual(4);

    // The refresh really happened mid-sync, while the row held a nextLink with delta(token='…').
    expect(bed.logs.lines.filter((line) => line.includes('"token.refreshed"')).length).toBe(refreshesBefore + 1);
    const sourceAtRefresh = driveView(fetches.mock.calls[2]![0]);
    expect(sourceAtRefresh.cursorKind).toBe('next');
    expect(sourceAtRefresh.cursor).toContain("delta(token='");
    expect(sourceAtRefresh.subscriptionId).toBe(subscriptionId);

    // Every cursor of the run: the stored deltaLink, each nextLink, the new deltaLink.
    const cursors = new Set<string>([deltaLinkBefore, driveView((await h.sources.get(key))!.record).cursor!]);
    for (const [source, , cursor] of fetches.mock.calls) {
      const stored = driveView(source).cursor;
      if (stored) cursors.add(stored);
      if (cursor) cursors.add(cursor);
    }
    for (const result of fetches.mock.settledResults) {
      if (result.type !== 'fulfilled') continue;
      const page = result.value;
      if (page.nextCursor) cursors.add(page.nextCursor);
      if (page.finalCursor) cursors.add(page.finalCursor);
    }
    const secrets = new Set<string>([subscriptionId]);
    for (const cursor of cursors) {
      secrets.add(cursor);
      const token = tokenOf(cursor);
      expect(token, `a cursor without a token: ${cursor.slice(0, 80)}`).toBeDefined();
      secrets.add(token!);
    }
    expect(secrets.size).toBeGreaterThanOrEqual(1 + 2 * 4);

    const output = [
      ...h.logLines.slice(linesBefore.sync),
      ...bed.logs.lines.slice(linesBefore.tokens),
      JSON.stringify(bed.logs.fields.slice(linesBefore.fields)),
      ...consoleLines,
    ];
    // The lines that were at risk are among them: the refresh's and the sync's own.
    expect(output.some((text) => text.includes('"token.refreshed"'))).toBe(true);
    expect(output.some((text) => text.includes('"sync.done"'))).toBe(true);
    for (const text of output) {
      for (const secret of secrets) {
        expect(text.includes(secret), `${secret.slice(0, 40)}… appeared in: ${text.slice(0, 300)}`).toBe(false);
      }
    }
  });
});
