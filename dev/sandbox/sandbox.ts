// The sandbox tenant: a simulated Microsoft 365 tenant (Graph drives, delta, downloads, identity
// platform) with a control API, served over HTTPS on loopback. Behaviour follows
// /work/shared/graph-behaviour.md; docs/sandbox.md says what is modelled and what is not.
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
import { IdentityState } from './identity/identity-state.js';
import { registerIdentityRoutes } from './identity/identity-routes.js';
import type { SandboxContext, SandboxModule } from './sandbox-context.js';
import { DeltaEngine } from './state/delta-engine.js';
import { SandboxClock } from './state/sandbox-clock.js';
import { defaultSandboxSettings, type SandboxSettings, type SandboxSettingsPatch } from './state/sandbox-settings.js';
import { SeededRandom } from './state/seeded-random.js';
import { SignedTokenCodec } from './state/signed-token.js';
import { TenantState } from './state/tenant-state.js';
import { subscriptionsModule } from './subscriptions/subscriptions-module.js';

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
  /** Phase-2 modules: mount routes, listen to drive changes. Default: the subscriptions module. */
  modules?: SandboxModule[];
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
  /** In-process access for modules and white-box tests. */
  context: SandboxContext;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 20_261_123;
  const tenantId = options.tenantId ?? randomUUID();
  let settings: SandboxSettings = { ...defaultSandboxSettings(), ...options.settings };
  const getSettings = () => settings;
  let baseUrl = '';
  const clock = new SandboxClock();
  const codec = new SignedTokenCodec();
  const router = new SandboxRouter();
  const tenant = new TenantState(clock);
  const identity = new IdentityState(clock, getSettings, new SeededRandom(seed));
  const delta = new DeltaEngine(codec, clock, getSettings, seed);
  const budget = new RequestBudget(getSettings);
  const faults = new FaultInjector();
  const requestLog = new RequestLog();
  const resetListeners: (() => void)[] = [];
  const stopListeners: (() => void)[] = [];

  const confidential = identity.registerClient({
    clientId: options.clientId ?? randomUUID(),
    confidential: true,
    displayName: 'kb-sync (sandbox)',
  });
  const publicClient = identity.registerClient({ confidential: false, displayName: 'kb-sync public client (sandbox)' });
  const defaults = { userId: '', driveId: '' };
  const seedDefaults = (): void => {
    const user = tenant.createUser({ displayName: 'Adele Vance' });
    defaults.userId = user.id;
    defaults.driveId = tenant.createDrive({ driveType: 'business', ownerUserId: user.id }).id;
  };
  seedDefaults();

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
    onReset: (listener) => resetListeners.push(listener),
    onStop: (listener) => stopListeners.push(listener),
  };
  const tenantInfo = (): TenantInfo => ({
    tenantId,
    clientId: confidential.clientId,
    publicClientId: publicClient.clientId,
    defaultUserId: defaults.userId,
    defaultDriveId: defaults.driveId,
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
      settings = { ...defaultSandboxSettings(), ...options.settings };
      for (const listener of resetListeners) listener();
      seedDefaults();
      return tenantInfo();
    },
    updateSettings: (patch) => {
      settings = { ...settings, ...patch };
    },
  });
  for (const module of options.modules ?? [subscriptionsModule()]) module(context);
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

  const tls = await ensureSandboxCertificate();
  const server = await listenSandbox(
    { router, faults, requestLog, clock, tls },
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
    clientId: confidential.clientId,
    clientSecret: confidential.clientSecret!,
    publicClientId: publicClient.clientId,
    get defaultUserId() {
      return defaults.userId;
    },
    get defaultDriveId() {
      return defaults.driveId;
    },
    control: new SandboxControlClient(baseUrl),
    context,
    stop: () => {
      for (const listener of stopListeners) listener();
      return server.close();
    },
  };
}
