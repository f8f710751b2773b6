// Everything a route module needs, built once per sandbox. Phase-2 modules (subscriptions,
// notifications) receive the same context: they mount routes on `router` and listen to
// `tenant.onDriveChanged`.
import type { FaultInjector } from './http/fault-injector.js';
import type { RequestBudget } from './http/request-budget.js';
import type { RequestLog } from './http/request-log.js';
import type { SandboxRouter } from './http/sandbox-http.js';
import type { DownloadUrls } from './graph/download-urls.js';
import type { PersistedPart } from './persistence/sandbox-snapshot.js';
import type { IdentityState } from './identity/identity-state.js';
import type { MailPort } from './mail/mail-port.js';
import type { SigningKeys } from './identity/signing-keys.js';
import type { TeamsPort } from './teams/teams-port.js';
import type { DeltaEngine } from './state/delta-engine.js';
import type { SandboxClock } from './state/sandbox-clock.js';
import type { SandboxSettings } from './state/sandbox-settings.js';
import type { TenantState } from './state/tenant-state.js';

export interface SandboxContext {
  router: SandboxRouter;
  tenant: TenantState;
  identity: IdentityState;
  clock: SandboxClock;
  settings: () => SandboxSettings;
  delta: DeltaEngine;
  downloads: DownloadUrls;
  budget: RequestBudget;
  faults: FaultInjector;
  requestLog: RequestLog;
  tenantId: string;
  /** https://127.0.0.1:<port>, known once the server listens. */
  baseUrl: () => string;
  /** The user created at start-up: owns the default personal drive and is signed in by /authorize. */
  defaultUserId: () => string;
  /**
   * Where the mail module (dev/sandbox/mail) and the subscriptions module meet: message changes,
   * mail resource resolution, the mail control and mail lifecycle notifications.
   */
  mail: MailPort;
  /** Where the Teams module (dev/sandbox/teams) and the subscriptions module meet, as `mail` does for mail. */
  teams: TeamsPort;
  /** Keys of the validation tokens in rich notifications, served as the identity platform's JWKS. */
  signingKeys: SigningKeys;
  /** Called by control reset, so modules clear their own state too. */
  onReset: (listener: () => void) => void;
  /** Called by stop(), so modules end their timers before the server closes. */
  onStop: (listener: () => void) => void;
  /**
   * Adds the module's state to the state file of a persisted sandbox (`npm start`), under `name`;
   * restored at once when the file has it. A no-op for an in-memory sandbox (tests).
   */
  persist: (name: string, part: PersistedPart) => void;
}

/** A pluggable part of the sandbox (phase 2: dev/sandbox/subscriptions). */
export type SandboxModule = (context: SandboxContext) => void;
