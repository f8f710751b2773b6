// The Google sandbox: a strict local stand-in for the Drive API v3 and Google's OAuth 2.0 server,
// served over HTTPS on loopback with the same certificate as the Microsoft sandbox. Point
// `@googleapis/drive` at `driveRootUrl` (its rootUrl option) and `google-auth-library` at `oauth`
// (its endpoints option). docs/sandbox-google.md lists what is modelled, with Google's pages.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxRequest, SandboxResponse } from '../http/sandbox-http.js';
import { SandboxClock } from '../state/sandbox-clock.js';
import { SeededRandom } from '../state/seeded-random.js';
import { ensureSandboxCertificate } from '../tls/ensure-cert.js';
import { ChannelHub } from './channels.js';
import { driveRoutes, type Caller } from './drive-routes.js';
import { DriveModel } from './drive-model.js';
import { GoogleApiError, googleError } from './google-errors.js';
import { GoogleSandboxControl, registerControlRoutes, type ControlRoute } from './google-control.js';
import { authorize, revoke, token } from './oauth-routes.js';
import { DRIVE_READONLY_SCOPE, DRIVE_SCOPE, OAuthState } from './oauth-state.js';
import { FaultList, RateLimiter, type GoogleSandboxSettings } from './quotas-and-faults.js';

export type { GoogleSandboxSettings } from './quotas-and-faults.js';
export { GoogleSandboxControl } from './google-control.js';

export interface GoogleSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  seed?: number;
  settings?: Partial<GoogleSandboxSettings>;
  /** Redirect URIs registered for the web client (the connect flow's callback). */
  redirectUris?: string[];
}

export interface GoogleSandbox {
  baseUrl: string;
  /** rootUrl for @googleapis/drive (it appends drive/v3/…). */
  driveRootUrl: string;
  oauth: { authorizeUrl: string; tokenUrl: string; revokeUrl: string };
  clientId: string;
  clientSecret: string;
  defaultUserId: string;
  defaultUserEmail: string;
  control: GoogleSandboxControl;
  stop(): Promise<void>;
}

const DRIVE_SCOPES = new Set([DRIVE_READONLY_SCOPE, DRIVE_SCOPE]);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export const defaultGoogleSandboxSettings = (): GoogleSandboxSettings => ({
  shortPageChance: 0,
  userRequestsPerMinute: 0,
  rateLimitStatus: 403,
  coalesceMs: 20,
  retryBaseMs: 50,
});

/** The app settings that point KB Sync's Google client and Drive provider at a Google sandbox. */
export function googleSandboxAppSettings(
  sandbox: Pick<GoogleSandbox, 'clientId' | 'clientSecret' | 'oauth' | 'driveRootUrl'>,
): Record<string, string> {
  return {
    GOOGLE_CLIENT_ID: sandbox.clientId,
    GOOGLE_CLIENT_SECRET: sandbox.clientSecret,
    GOOGLE_OAUTH_AUTHORIZE_URL: sandbox.oauth.authorizeUrl,
    GOOGLE_OAUTH_TOKEN_URL: sandbox.oauth.tokenUrl,
    GOOGLE_OAUTH_REVOKE_URL: sandbox.oauth.revokeUrl,
    GOOGLE_DRIVE_ROOT_URL: sandbox.driveRootUrl,
  };
}

export async function startGoogleSandbox(options: GoogleSandboxOptions = {}): Promise<GoogleSandbox> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`the sandbox binds to loopback only, not ${host}`);
  let settings: GoogleSandboxSettings = { ...defaultGoogleSandboxSettings(), ...options.settings };
  const clock = new SandboxClock();
  const random = new SeededRandom(options.seed ?? 20_261_202);
  const model = new DriveModel(clock);
  const oauth = new OAuthState(clock);
  let baseUrl = '';
  const channels = new ChannelHub(
    model,
    clock,
    () => baseUrl,
    () => settings,
  );
  const faults = new FaultList();
  const limiter = new RateLimiter(
    () => settings,
    () => clock.now(),
  );
  const requestLog: { method: string; path: string; status: number; userId?: string }[] = [];
  const client = oauth.registerClient(options.redirectUris ?? []);
  const user = model.createUser('adele.vance@sandbox.example');

  const control = new GoogleSandboxControl({
    model,
    oauth,
    channels,
    clock,
    faults,
    requestLog,
    clientId: client.clientId,
    defaultUserId: user.id,
    updateSettings: (patch) => {
      settings = { ...settings, ...patch };
    },
  });
  const controlRoutes: ControlRoute[] = registerControlRoutes(control);
  const drive = driveRoutes({ model, channels, random, baseUrl: () => baseUrl, settings: () => settings });

  const route = (request: SandboxRequest): SandboxResponse => {
    if (request.path.startsWith('/_sandbox/google/')) {
      const found = controlRoutes.find((entry) => entry.method === request.method && entry.path === request.path);
      if (!found) return googleError(404, { reason: 'notFound', message: 'no such control route' });
      return found.handle(request.body);
    }
    const oauthContext = { oauth, signedInUserId: () => user.id };
    // Faults reach the token and revoke endpoints too (tests of the OAuth client's retries).
    if (request.method === 'POST' && (request.path === '/token' || request.path === '/revoke')) {
      const fault = faults.take(request.method, request.path);
      if (fault) return fault;
    }
    if (request.method === 'GET' && request.path === '/o/oauth2/v2/auth') return authorize(oauthContext, request);
    if (request.method === 'POST' && request.path === '/token') return token(oauthContext, request);
    if (request.method === 'POST' && request.path === '/revoke') return revoke(oauthContext, request);
    for (const entry of drive) {
      const match = entry.method === request.method ? entry.pattern.exec(request.path) : null;
      if (!match) continue;
      const caller = authenticate(request);
      const fault = faults.take(request.method, request.path);
      if (fault) return { ...fault, userId: caller.userId };
      const limited = limiter.check(caller.userId);
      if (limited) return { ...limited, userId: caller.userId };
      return { ...entry.handler(request, caller, { ...match.groups }), userId: caller.userId };
    }
    return googleError(404, { reason: 'notFound', message: 'Not Found' });
  };

  /** Bearer tokens from the OAuth state: missing or dead → 401; no Drive scope → 403 insufficientPermissions. */
  const authenticate = (request: SandboxRequest): Caller => {
    const header = String(request.headers.authorization ?? '');
    const grant = /^Bearer (.+)$/.exec(header) ? oauth.verifyAccessToken(header.slice(7)) : undefined;
    if (!grant) {
      throw new GoogleApiError(
        googleError(
          401,
          {
            reason: 'authError',
            message:
              'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
            location: 'Authorization',
            locationType: 'header',
          },
          { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
        ),
      );
    }
    if (!grant.scopes.some((scope) => DRIVE_SCOPES.has(scope))) {
      throw new GoogleApiError(
        googleError(403, {
          reason: 'insufficientPermissions',
          message: 'Request had insufficient authentication scopes.',
        }),
      );
    }
    return { userId: grant.userId };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', baseUrl);
    const request: SandboxRequest = {
      method: req.method ?? 'GET',
      url,
      path: decodeURIComponent(url.pathname),
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    let response: SandboxResponse;
    try {
      response = route(request);
    } catch (error) {
      if (!(error instanceof GoogleApiError)) throw error;
      response = error.response;
    }
    // The path only: query strings can hold tokens (the revoke endpoint takes `token=`).
    if (!request.path.startsWith('/_sandbox/')) {
      requestLog.push({
        method: request.method,
        path: request.path,
        status: response.status,
        userId: response.userId ?? undefined,
      });
    }
    res.writeHead(response.status, response.headers ?? {});
    res.end(response.body ?? '');
  };

  const tls = await ensureSandboxCertificate();
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const response = googleError(500, {
        reason: 'backendError',
        message: error instanceof Error ? error.message : 'Backend Error',
      });
      if (!res.headersSent) res.writeHead(response.status, response.headers);
      res.end(response.body);
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    baseUrl,
    driveRootUrl: `${baseUrl}/`,
    oauth: {
      authorizeUrl: `${baseUrl}/o/oauth2/v2/auth`,
      tokenUrl: `${baseUrl}/token`,
      revokeUrl: `${baseUrl}/revoke`,
    },
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    defaultUserId: user.id,
    defaultUserEmail: user.email,
    control,
    stop: async () => {
      channels.stopAll();
      await channels.settle().catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
