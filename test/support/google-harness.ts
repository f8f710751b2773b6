// The sync engine on Google Drive, on real parts: the Google sandbox over HTTPS, the real
// @googleapis/drive client (through the app's provider registry), and Table Storage on Azurite.
import { z } from 'zod';
import {
  startGoogleSandbox,
  type GoogleSandbox,
  type GoogleSandboxOptions,
} from '../../dev/sandbox/google/google-sandbox.js';
import type { ChangeEvent } from '../../shared/core/domain/change-event.js';
import type { SourceKey, SourceRecord } from '../../shared/core/domain/source.js';
import { ChangeFeedStore } from '../../shared/adapters/azure-tables/change-feed-store.js';
import { ItemStore } from '../../shared/adapters/azure-tables/item-store.js';
import { SourceStore } from '../../shared/adapters/azure-tables/source-store.js';
import { TableLeaseStore } from '../../shared/adapters/azure-tables/table-lease.js';
import { createProviderRegistry } from '../../shared/app/provider-registry.js';
import type { StoredGrantInput, SyncProvider, TokenManager } from '../../shared/core/ports/provider-ports.js';
import { SourceSyncer, type SyncFaultHook } from '../../shared/core/sync/sync-source.js';
import { capturingLogger } from './logger.js';
import { sourceRecord } from './source-record.js';
import { freshTable } from './storage.js';
import { readWholeFeed } from './sync-harness.js';

const tokenSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.number() });

/**
 * Test-only tokens for one Google grant: refreshed at the sandbox's token endpoint, cached until a
 * minute before expiry, forgotten on invalidate. The product's manager is RefreshingTokenManager.
 */
export class GoogleSandboxTokens implements TokenManager {
  calls = 0;
  refreshes = 0;
  private cached: string | undefined;

  constructor(
    private readonly sandbox: Pick<GoogleSandbox, 'oauth' | 'clientId' | 'clientSecret'>,
    private readonly refreshToken: string,
  ) {}

  async getAccessToken(_source: SourceKey): Promise<string> {
    this.calls += 1;
    if (this.cached) return this.cached;
    this.refreshes += 1;
    const response = await fetch(this.sandbox.oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: this.refreshToken,
        client_id: this.sandbox.clientId,
        client_secret: this.sandbox.clientSecret,
      }),
    });
    if (!response.ok) throw new Error(`sandbox token endpoint answered ${response.status}`);
    this.cached = tokenSchema.parse(await response.json()).access_token;
    return this.cached;
  }

  invalidateAccessToken(_source: SourceKey, accessToken: string): Promise<void> {
    if (this.cached === accessToken) this.cached = undefined;
    return Promise.resolve();
  }

  storeGrant(_source: SourceKey, _grant: StoredGrantInput): Promise<void> {
    return Promise.reject(new Error('GoogleSandboxTokens serves one fixed grant'));
  }

  revoke(): Promise<void> {
    return Promise.resolve();
  }
}

export interface GoogleHarness {
  sandbox: GoogleSandbox;
  tokens: GoogleSandboxTokens;
  provider: SyncProvider;
  sources: SourceStore;
  items: ItemStore;
  feed: ChangeFeedStore;
  logLines: string[];
  syncer(faults?: SyncFaultHook, overrides?: { massDeleteMinItems?: number }): SourceSyncer;
  /** Registers a google_drive source with `location` (resolved through the provider, as registration does). */
  register(location: Record<string, unknown>, key?: Partial<SourceKey>): Promise<SourceRecord>;
  /** Syncs until the source's cursor is final again (one run may stop early on a re-queue). */
  syncToEnd(key?: Partial<SourceKey>): Promise<void>;
  allEvents(kbId?: string): Promise<ChangeEvent[]>;
  stop(): Promise<void>;
}

export async function startGoogleHarness(options: GoogleSandboxOptions = {}): Promise<GoogleHarness> {
  const sandbox = await startGoogleSandbox(options);
  const tokens = new GoogleSandboxTokens(sandbox, sandbox.control.issueRefreshToken().refreshToken);
  const providers = createProviderRegistry({
    // The Graph side is not used here.
    graphBaseUrl: 'https://127.0.0.1:9/v1.0',
    tokens,
    maxInlineRetryWaitSeconds: 1,
    google: { driveRootUrl: sandbox.driveRootUrl },
  });
  const provider = providers.get('google_drive');
  const sources = new SourceStore(await freshTable('sources'));
  const items = new ItemStore(await freshTable('items'));
  const feed = new ChangeFeedStore(await freshTable('changes'), await freshTable('counters'));
  const leases = new TableLeaseStore(await freshTable('leases'), 'sync');
  const logLines: string[] = [];
  const syncer = (faults?: SyncFaultHook, overrides: { massDeleteMinItems?: number } = {}) =>
    new SourceSyncer({
      sources,
      items,
      feed,
      leases,
      providers,
      log: capturingLogger(logLines),
      leaseMs: 30_000,
      massDeleteRatio: 0.5,
      massDeleteMinItems: overrides.massDeleteMinItems ?? 100,
      flushSize: 1,
      faults,
    });
  const keyOf = (key: Partial<SourceKey> = {}): SourceKey => ({
    kbId: key.kbId ?? 'kb',
    sourceId: key.sourceId ?? 'src',
  });
  return {
    sandbox,
    tokens,
    provider,
    sources,
    items,
    feed,
    logLines,
    syncer,
    async register(input, key) {
      const location = provider.locationSchema.parse(input);
      const record = sourceRecord({
        ...keyOf(key),
        type: 'google_drive',
        location,
        resolvedLocation: await provider.resolveLocation(keyOf(key), location),
      });
      await sources.put(record);
      return record;
    },
    async syncToEnd(key) {
      for (let run = 0; run < 20; run++) {
        const result = await syncer().run(keyOf(key));
        if (result.status === 'synced') return;
      }
      throw new Error('the source did not finish syncing in 20 runs');
    },
    allEvents: (kbId = 'kb') => readWholeFeed(feed, kbId),
    stop: () => sandbox.stop(),
  };
}
