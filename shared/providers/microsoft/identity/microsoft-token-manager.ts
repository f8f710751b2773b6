// The token manager of the Microsoft source types is the provider-neutral RefreshingTokenManager
// (core/tokens) over MicrosoftOAuthClient; shared/app/create-token-manager.ts builds it. These names
// stay for the type imports that still point here (shared/core/sources, tests) until they import
// from core/tokens.
import type { RefreshingTokenManager } from '../../../core/tokens/refreshing-token-manager.js';

export type {
  AppOnlyGrantInput,
  AppOnlyTokenGrants,
  TokenKeepAlive,
  TokenManagerFaults,
} from '../../../core/tokens/refreshing-token-manager.js';

export type MicrosoftTokenManager = RefreshingTokenManager;
