// An in-process sandbox tenant plus the real provider pointed at it, as the app would run it:
// GRAPH_BASE_URL = the sandbox's https://127.0.0.1:<port>/v1.0, tokens from its token endpoint.
import { startSandbox, type Sandbox } from '../../dev/sandbox/sandbox.js';
import type { SandboxSettingsPatch } from '../../dev/sandbox/state/sandbox-settings.js';
import { createProviderRegistry } from '../../shared/app/provider-registry.js';
import type { SyncProvider, TokenManager } from '../../shared/core/ports/provider-ports.js';
import { SandboxTokenManager } from './sandbox-tokens.js';

export interface ProviderHarness {
  sandbox: Sandbox;
  tokens: SandboxTokenManager;
  provider: SyncProvider;
  /** Another provider over the same sandbox with a different token manager. */
  providerWith(tokens: TokenManager): SyncProvider;
  stop(): Promise<void>;
}

/** Long Retry-After values are not slept through in tests: 1 s is the most a call may wait. */
export const TEST_MAX_INLINE_WAIT_SECONDS = 1;

export async function startProviderHarness(settings: SandboxSettingsPatch = {}): Promise<ProviderHarness> {
  const sandbox = await startSandbox({ settings });
  const { refreshToken } = await sandbox.control.issueRefreshToken({
    userId: sandbox.defaultUserId,
    scopes: ['Files.Read.All', 'offline_access'],
  });
  const tokens = SandboxTokenManager.delegated(sandbox, refreshToken);
  const providerWith = (manager: TokenManager) =>
    createProviderRegistry({
      graphBaseUrl: sandbox.graphBaseUrl,
      tokens: manager,
      maxInlineRetryWaitSeconds: TEST_MAX_INLINE_WAIT_SECONDS,
    }).get('onedrive');
  return { sandbox, tokens, provider: providerWith(tokens), providerWith, stop: () => sandbox.stop() };
}
