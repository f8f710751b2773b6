// The sandbox tenant: a simulated Microsoft 365 tenant (Graph drives, delta, downloads, identity
// platform) with a control API, served over HTTPS on loopback. Behaviour follows
// docs/graph-behaviour.md; docs/sandbox.md says what is modelled and what is not.
import { randomUUID } from 'node:crypto';
import { ensureSandboxCertificate } from './tls/ensure-cert.js';
import { SandboxControlClient } from './control/control-client.js';
import { registerControlRoutes } from './control/control-routes.js';
import type { TenantInfo } from './control/control-schemas.js';
import { DownloadUrls } from './graph/download-urls.js';
import { registerDownloadRoutes } from './graph/download-routes.js';
import { registerGraphRoutes } from './graph/graph-routes.js';
import { FaultInjector } from './http/fault-injector.js';
import { RequestBudget } from './http/request-budget.js';
import { RequestLog } from './http/request-log.js';
import { SandboxRouter } from './http/sandbox-http.js';
import { listenSandbox } from './http/sandbox-server.js';
import { IdentityState, type ClientRegistration } from './identity/identity-state.js';
import { registerIdentityRoutes } from './identity/identity-routes.js';
import { readSandboxSnapshot, SANDBOX_SNAPSHOT_VERSION, type PersistedPart } from './persistence/sandbox-snapshot.js';
import { SandboxStateFile, SandboxStateFileError } from './persistence/state-file.js';
import type { SandboxContext, SandboxModule } from './sandbox-context.js';
import { DeltaEngine } from './state/delta-engine.js';
import { SandboxClock } from './state/sandbox-clock.js';
import { defaultSandboxSettings, type SandboxSettings, type SandboxSettingsPatch } from './state/sandbox-settings.js';
import { SeededRandom } from './state/seeded-random.js';
import { SignedTokenCodec } from './state/signed-token.js';
import { TenantState } from './state/tenant-state.js';
import { restoreTenant, snapshotTenant } from './state/tenant-snapshot.js';
import { subscriptionsModule } from './subscriptions/subscriptions-module.js';
import type { MailControl } from './mail/mail-control.js';
import { mailModule } from './mail/mail-module.js';
import { MailPort } from './mail/mail-port.js';
import { registerOpenIdRoutes } from './identity/openid-routes.js';
import { SigningKeys } from './identity/signing-keys.js';
import type { TeamsControl } from './teams/teams-control.js';
import { teamsModule } from './teams/teams-module.js';
import { TeamsPort } from './teams/teams-port.js';

export type { SandboxContext, SandboxModule } from './sandbox-context.js';
export { SandboxControlClient } from './control/control-client.js';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** A loopback address: 127.0.0.1 (default) or ::1. */
  host?: string;
  /** Seeds page sizes, duplicates, ordering and token lifetimes. */
  seed?: number;
  tenantId?: string;
  clientId?: string;
  /** Initial realism settings (changeable later through the control API). */
  settings?: SandboxSettingsPatch;
  /** Phase-2 modules: mount routes, listen to drive changes. Default: the subscriptions, mail and Teams modules. */
  modules?: SandboxModule[];
  /**
   * Redirect URIs registered for the confidential client (added to those a state file already has):
   * /authorize sends codes only to these (AADSTS50011 otherwise), as Entra does.
   */
  redirectUris?: string[];
  /**
   * A JSON file that keeps the tenant across restarts (ids, secret, drives, items, grants,
   * subscriptions, clock): loaded when it exists, written after changes and on stop(). Only
   * `npm start` and `npm run sandbox` use one; tests keep fresh in-memory tenants.
   */
  stateFile?: string;
}

export interface Sandbox {
  /** https://127.0.0.1:<port> */
  baseUrl: string;
  /** `${baseUrl}/v1.0`: what GRAPH_BASE_URL is set to. */
  graphBaseUrl: string;
  /** baseUrl: what AUTHORITY_HOST is set to; token URL = `${authorityHost}/${tenantId}/oauth2/v2.0/token`. */
  authorityHost: string;
  tenantId: string;
  /** A registered confidential client. */
  clientId: string;
  clientSecret: string;
  /** A registered public client (sends no secret). */
  publicClientId: string;
  /** Created at start-up (and on reset): owns defaultDriveId, a business drive; signed in by /authorize. */
  defaultUserId: string;
  defaultDriveId: string;
  control: SandboxControlClient;
  /** The mail control (dev/sandbox/mail/mail-control.ts); throws when the mail module is not loaded. */
  mail: MailControl;
  /** The Teams control (dev/sandbox/teams/teams-control.ts); throws when the Teams module is not loaded. */
  teams: TeamsControl;
  /**
   * The identity platform's common OpenID configuration (`${authorityHost}/common/.well-known/openid-configuration`),
   * whose jwks_uri lists the keys of rich notifications' validation tokens.
   */
  openIdConfigurationUrl: string;
  /** In-process access for modules and white-box tests. */
  context: SandboxContext;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 20_261_123;
  const saved = options.stateFile ? readSandboxSnapshot(options.stateFile) : undefined;
  const tenantId = saved?.tenantId ?? options.tenantId ?? randomUUID();
  let settings: SandboxSettings = saved?.settings ?? { ...defaultSandboxSettings(), ...options.settings };
  const getSettings = () => settings;
  let baseUrl = '';
  const clock = new SandboxClock();
  const codec = new SignedTokenCodec(saved ? Buffer.from(saved.tokenKeyBase64, 'base64') : undefined);
  const router = new SandboxRouter();
  const tenant = new TenantState(clock);
  const identity = new IdentityState(clock, getSettings, new SeededRandom(seed));
  const delta = new DeltaEngine(codec, clock, getSettings, seed);
  const budget = new RequestBudget(getSettings);
  const faults = new FaultInjector();
  const requestLog = new RequestLog();
  const signingKeys = new SigningKeys();
  const resetListeners: (() => void)[] = [];
  const stopListeners: (() => void)[] = [];

  let confidential: ClientRegistration | undefined;
  let publicClient: ClientRegistration | undefined;
  const defaults = { userId: '', driveId: '' };
  const seedDefaults = (): void => {
    const user = tenant.createUser({ displayName: 'Adele Vance' });
    defaults.userId = user.id;
    defaults.driveId = tenant.createDrive({ driveType: 'business', ownerUserId: user.id }).id;
  };
  if (saved) {
    identity.restore(saved.identity);
    restoreTenant(tenant, saved.tenant);
    clock.restoreOffset(saved.clockOffsetMs);
    delta.continueNumberingFrom(saved.nextEnumerationNumber);
    confidential = identity.clients.get(saved.clientId);
    publicClient = identity.clients.get(saved.publicClientId);
    Object.assign(defaults, { userId: saved.defaultUserId, driveId: saved.defaultDriveId });
  } else {
    confidential = identity.registerClient({
      clientId: options.clientId ?? randomUUID(),
      confidential: true,
      displayName: 'kb-sync (sandbox)',
    });
    publicClient = identity.registerClient({ confidential: false, displayName: 'kb-sync public client (sandbox)' });
    seedDefaults();
  }
  if (!confidential || !publicClient) {
    throw new SandboxStateFileError(`${options.stateFile} names an app registration it does not hold`);
  }
  const registered = { confidential, publicClient };
  confidential.redirectUris = [...new Set([...confidential.redirectUris, ...(options.redirectUris ?? [])])];
  const persistedParts = new Map<string, PersistedPart>();

  const context: SandboxContext = {
    router,
    tenant,
    identity,
    clock,
    settings: getSettings,
    delta,
    downloads: new DownloadUrls(codec, clock, getSettings, () => baseUrl),
    budget,
    faults,
    requestLog,
    tenantId,
    baseUrl: () => baseUrl,
    defaultUserId: () => defaults.userId,
    mail: new MailPort(),
    teams: new TeamsPort(),
    signingKeys,
    onReset: (listener) => resetListeners.push(listener),
    onStop: (listener) => stopListeners.push(listener),
    persist: (name, part) => {
      if (!options.stateFile) return;
      persistedParts.set(name, part);
      if (saved?.modules[name] !== undefined) part.restore(saved.modules[name]);
    },
  };
  const tenantInfo = (): TenantInfo => ({
    tenantId,
    clientId: registered.confidential.clientId,
    publicClientId: registered.publicClient.clientId,
    defaultUserId: defaults.userId,
    defaultDriveId: defaults.driveId,
    defaultDriveRootId: tenant.requireDrive(defaults.driveId).rootId,
  });

  registerControlRoutes(context, {
    tenantInfo,
    resetAll: () => {
      tenant.reset();
      identity.reset();
      delta.reset();
      budget.reset();
      faults.clear();
      requestLog.clear();
      clock.reset();
      signingKeys.reset();
      settings = { ...defaultSandboxSettings(), ...options.settings };
      for (const listener of resetListeners) listener();
      seedDefaults();
      return tenantInfo();
    },
    updateSettings: (patch) => {
      settings = { ...settings, ...patch };
    },
  });
  for (const module of options.modules ?? [subscriptionsModule(), mailModule(), teamsModule()]) module(context);
  registerOpenIdRoutes(router, signingKeys, () => baseUrl);
  registerIdentityRoutes(router, {
    identity,
    tenant,
    clock,
    settings: getSettings,
    tenantId,
    defaultUserId: () => defaults.userId,
  });
  registerDownloadRoutes(context);
  registerGraphRoutes(context);

  const stateFile = options.stateFile
    ? new SandboxStateFile(options.stateFile, () => ({
        version: SANDBOX_SNAPSHOT_VERSION,
        tenantId,
        clientId: registered.confidential.clientId,
        publicClientId: registered.publicClient.clientId,
        defaultUserId: defaults.userId,
        defaultDriveId: defaults.driveId,
        tokenKeyBase64: codec.exportKey(),
        clockOffsetMs: clock.offset(),
        nextEnumerationNumber: delta.nextEnumerationNumber(),
        settings,
        tenant: snapshotTenant(tenant),
        identity: identity.snapshot(),
        modules: Object.fromEntries([...persistedParts].map(([name, part]) => [name, part.save()])),
      }))
    : undefined;
  // Written at once (a fresh tenant's ids and secret must outlive a kill -9 right after start-up).
  stateFile?.writeNow();
  clock.onAdvance(() => stateFile?.changed());

  const tls = await ensureSandboxCertificate();
  const server = await listenSandbox(
    { router, faults, requestLog, clock, tls, beforeAnswer: (request) => persistBeforeAnswer(stateFile, request.path) },
    host,
    options.port ?? 0,
    () => baseUrl,
  );
  baseUrl = `https://${host.includes(':') ? `[${host}]` : host}:${server.port}`;

  return {
    baseUrl,
    graphBaseUrl: `${baseUrl}/v1.0`,
    authorityHost: baseUrl,
    tenantId,
    clientId: registered.confidential.clientId,
    clientSecret: registered.confidential.clientSecret!,
    publicClientId: registered.publicClient.clientId,
    get defaultUserId() {
      return defaults.userId;
    },
    get defaultDriveId() {
      return defaults.driveId;
    },
    control: new SandboxControlClient(baseUrl),
    get mail(): MailControl {
      const control = context.mail.control;
      if (!control) throw new Error('this sandbox was started without the mail module');
      return control;
    },
    get teams(): TeamsControl {
      const control = context.teams.control;
      if (!control) throw new Error('this sandbox was started without the Teams module');
      return control;
    },
    openIdConfigurationUrl: `${baseUrl}/common/.well-known/openid-configuration`,
    context,
    stop: async () => {
      for (const listener of stopListeners) listener();
      await server.close();
      stateFile?.writeNow();
    },
  };
}

/**
 * Entra never forgets a refresh token it issued, and the app stores the rotated one before it uses the
 * new access token (docs/tokens.md). So a token answer is written to the state file before it is sent:
 * a kill -9 right after a refresh must not leave the app holding a refresh token the restarted sandbox
 * does not know (AADSTS70000). Other changes are debounced (one write for a burst of requests).
 */
function persistBeforeAnswer(stateFile: SandboxStateFile | undefined, requestPath: string): void {
  if (!stateFile) return;
  if (requestPath.endsWith('/oauth2/v2.0/token')) stateFile.writeNow();
  else stateFile.changed();
}
