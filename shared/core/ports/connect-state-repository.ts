// The connect state port: one row per connect flow in progress, holding what must not travel through
// the browser (the PKCE code_verifier, the exact redirect_uri). A state is good for one callback:
// `take` reads and removes the row atomically. The Table Storage adapter is
// shared/adapters/azure-tables/connect-state-store.ts.
import type { SourceKey } from '../domain/source.js';

export interface PendingConnect extends SourceKey {
  id: string;
  returnTo: string;
  redirectUri: string;
  codeVerifier: string;
  expiresAtMs: number;
}

export interface ConnectStateRepository {
  save(flow: PendingConnect): Promise<void>;
  /** Reads and removes the row; undefined when it does not exist or another callback took it first. */
  take(id: string): Promise<PendingConnect | undefined>;
  /** Removes rows of abandoned flows, at most `max`; returns how many. */
  purgeExpired(nowMs: number, max?: number): Promise<number>;
}
