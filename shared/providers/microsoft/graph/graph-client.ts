// The Microsoft Graph client, built once per process. The middleware chain is the client's default
// (MiddlewareFactory.getDefaultMiddlewareChain: auth → retry → redirect → telemetry → fetch) with
// two additions: RateLimitResetHandler just below the RetryHandler, and NetworkErrorHandler just
// above fetch. Auth is per request: each call
// passes an AuthenticationHandlerOptions bound to one source's TokenManager entry, so one client
// serves every source.
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
} from '@microsoft/microsoft-graph-client';
import { NetworkErrorHandler } from './network-error-handler.js';
import { RateLimitResetHandler } from './rate-limit-reset-handler.js';
import { requestedWaitSeconds } from './retry-after.js';

export interface GraphClientOptions {
  /** GRAPH_BASE_URL: origin plus version segment, e.g. `https://graph.microsoft.com/v1.0`. */
  graphBaseUrl: string;
  /**
   * The longest wait the client may sleep through inside one call. A longer Retry-After is not
   * slept on (a Function would sit idle for up to 180 s): the call fails with TransientError and
   * its retryAfterMs, and the job is retried later from the queue.
   */
  maxInlineRetryWaitSeconds?: number;
  /** Retries of the client's RetryHandler (default 3, the client's own default). */
  maxRetries?: number;
}

/** The client's own defaults (RetryHandlerOptions.DEFAULT_DELAY / DEFAULT_MAX_RETRIES are private). */
const CLIENT_DEFAULT_DELAY_SECONDS = 3;
const CLIENT_DEFAULT_MAX_RETRIES = 3;

const PUBLIC_GRAPH_HOSTS = new Set(['graph.microsoft.com']);

/** Splits GRAPH_BASE_URL into the client's `baseUrl` and `defaultVersion`. */
export function splitGraphBaseUrl(graphBaseUrl: string): { baseUrl: string; version: string } {
  const url = new URL(graphBaseUrl);
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const version = segments.pop();
  if (version === undefined) throw new Error('GRAPH_BASE_URL must end with a version segment such as /v1.0');
  const prefix = segments.length > 0 ? `/${segments.join('/')}` : '';
  return { baseUrl: `${url.origin}${prefix}`, version };
}

/**
 * The hosts, besides Graph's own, that receive the bearer token. The client attaches it only to
 * https URLs on Graph hosts or on `customHosts`: without this, requests to a Graph-compatible server
 * (the sandbox on https://127.0.0.1:7443) go out unauthenticated. Host names without the port:
 * @microsoft/microsoft-graph-client 3.0.7 cuts the port off the URL before it compares
 * (GraphRequestUtil isValidEndpoint), so "127.0.0.1:7443" would never match (pinned by a unit test).
 * An IPv6 literal cannot match at all there (it cuts at the first ':'): point GRAPH_BASE_URL at a
 * host name or an IPv4 address.
 */
export function customHostsFor(graphBaseUrl: string): Set<string> | undefined {
  const host = new URL(graphBaseUrl).hostname.toLowerCase();
  return PUBLIC_GRAPH_HOSTS.has(host) ? undefined : new Set([host]);
}

const noDefaultAuth: AuthenticationProvider = {
  getAccessToken: () =>
    Promise.reject(new Error('a Graph request was sent without a source-bound authentication provider')),
};

export function createGraphClient(options: GraphClientOptions): Client {
  const { baseUrl, version } = splitGraphBaseUrl(options.graphBaseUrl);
  const maxInlineWait = options.maxInlineRetryWaitSeconds ?? 30;
  // Retry only when the wait Graph asks for is short enough to sleep through in this call.
  const retryOptions = new RetryHandlerOptions(
    CLIENT_DEFAULT_DELAY_SECONDS,
    options.maxRetries ?? CLIENT_DEFAULT_MAX_RETRIES,
    (_delay, _attempt, _request, _options, response) => (requestedWaitSeconds(response.headers) ?? 0) <= maxInlineWait,
  );
  const middleware = [
    new AuthenticationHandler(noDefaultAuth),
    new RetryHandler(retryOptions),
    new RateLimitResetHandler(),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new NetworkErrorHandler(),
    new HTTPMessageHandler(),
  ];
  const customHosts = customHostsFor(options.graphBaseUrl);
  return Client.initWithMiddleware({
    baseUrl,
    defaultVersion: version,
    middleware,
    ...(customHosts ? { customHosts } : {}),
  });
}
