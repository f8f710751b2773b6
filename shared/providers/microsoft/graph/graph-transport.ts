// One Graph request for one source: attaches that source's token, retries once on 401 (after telling
// the token manager that Graph refused the token, so the retry carries a new one), and turns "no
// answer at all" into a TransientError. Everything else (status handling, parsing) is the caller's: it gets the raw
// Response so it can read Location on 302/410 and stream content without buffering.
import {
  AuthenticationHandlerOptions,
  RedirectHandlerOptions,
  ResponseType,
  type Client,
  type GraphRequest,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';
import type { SourceKey } from '../../../core/domain/source.js';
import { TransientError } from '../../../core/domain/errors.js';
import type { TokenManager } from '../../../core/ports/provider-ports.js';
import { countProviderRequest } from '../../../core/sync/provider-request-count.js';
import { classifyGraphFailure, isRefusedToken, networkFailure, type FailureTarget } from './graph-failure.js';
import { graphErrorBodySchema } from '../drive/graph-schemas.js';

export interface GraphCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A path below GRAPH_BASE_URL (`/drives/…`) or an absolute link Graph gave us (nextLink, deltaLink). */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** false: hand back a 302 as it is (downloads: the Location is a pre-authenticated URL). */
  followRedirects?: boolean;
  signal?: AbortSignal;
}

/** Error bodies are small; a longer one is not Graph's error format and is not worth reading. */
const MAX_ERROR_BODY_CHARS = 16_384;

export class GraphTransport {
  readonly graphOrigin: string;

  constructor(
    private readonly client: Client,
    private readonly tokens: TokenManager,
    graphBaseUrl: string,
  ) {
    this.graphOrigin = new URL(graphBaseUrl).origin;
  }

  /** True when an absolute URL points at the configured Graph endpoint (and may carry the token). */
  isGraphUrl(url: string): boolean {
    try {
      return new URL(url).origin === this.graphOrigin;
    } catch {
      return false;
    }
  }

  async send(source: SourceKey, call: GraphCall, what: string): Promise<Response> {
    if (/^[a-z]+:\/\//i.test(call.url) && !this.isGraphUrl(call.url)) {
      // Defence in depth: a stored link must never carry a token to another host.
      throw new Error(`refusing to send the ${what} request outside GRAPH_BASE_URL`);
    }
    const first = await this.sendOnce(source, call, what);
    if (first.response.status !== 401) return first.response;
    // Graph refused a token that had not expired yet (revoked by continuous access evaluation, or
    // clocks apart). Asking again would hand back the same cached token: the token manager drops it,
    // and the retry's getAccessToken refreshes (single flight). If the grant is gone, that refresh
    // throws ReauthRequiredError, which reaches the engine from the retry below.
    const code = await readErrorCode(first.response);
    const refused = isRefusedToken({ status: 401, code, headers: first.response.headers });
    if (refused && first.accessToken !== undefined) await this.tokens.invalidateAccessToken(source, first.accessToken);
    return (await this.sendOnce(source, call, what)).response;
  }

  /** Like send, but a non-2xx answer becomes the engine error it means (see graph-failure.ts). */
  async sendOk(source: SourceKey, call: GraphCall, target: FailureTarget): Promise<Response> {
    const response = await this.send(source, call, target.what);
    if (!response.ok) throw await failureFrom(response, target);
    return response;
  }

  /** One attempt; also says which access token it sent (none for a URL the client sends no token to). */
  private async sendOnce(
    source: SourceKey,
    call: GraphCall,
    what: string,
  ): Promise<{ response: Response; accessToken: string | undefined }> {
    // The client wraps anything thrown below it (including the token manager's typed errors) into a
    // GraphError; keep the token manager's own error so ReauthRequiredError reaches the engine.
    let tokenFailure: unknown;
    let accessToken: string | undefined;
    const auth = {
      getAccessToken: async () => {
        try {
          accessToken = await this.tokens.getAccessToken(source);
          return accessToken;
        } catch (error) {
          tokenFailure = error;
          throw error;
        }
      },
    };
    countProviderRequest();
    const options: MiddlewareOptions[] = [new AuthenticationHandlerOptions(auth)];
    if (call.followRedirects === false) options.push(new RedirectHandlerOptions(0));
    let request: GraphRequest = this.client.api(call.url).responseType(ResponseType.RAW).middlewareOptions(options);
    if (call.headers) request = request.headers(call.headers);
    if (call.signal) request = request.option('signal', call.signal);
    try {
      return { response: (await dispatch(request, call)) as Response, accessToken };
    } catch (error) {
      // Rethrown as they are: the token manager's typed error, or the caller's own abort reason.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (tokenFailure !== undefined) throw tokenFailure;
      if (call.signal?.aborted) throw abortReason(call.signal);
      throw networkFailure(what, error);
    }
  }
}

export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('the request was aborted', 'AbortError');
}

function dispatch(request: GraphRequest, call: GraphCall): Promise<unknown> {
  switch (call.method) {
    case 'GET':
      return request.get();
    case 'POST':
      return request.post(call.body ?? {});
    case 'PATCH':
      return request.patch(call.body ?? {});
    case 'DELETE':
      return request.delete();
  }
}

/** Reads the error code of a failed answer and classifies it. Always consumes the body. */
export async function failureFrom(response: Response, target: FailureTarget): Promise<Error> {
  const code = await readErrorCode(response);
  return classifyGraphFailure({ status: response.status, code, headers: response.headers }, target);
}

/** Graph's `error.code` of a failed answer, if its body has one. Always consumes the body. */
async function readErrorCode(response: Response): Promise<string | undefined> {
  try {
    const text = await response.text();
    if (text.length > MAX_ERROR_BODY_CHARS) return undefined;
    const parsed = graphErrorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.error.code : undefined;
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status alone decides.
    return undefined;
  }
}

/** Parses a successful JSON answer; an unreadable one is treated as a passing fault of Graph. */
export async function readGraphJson<S extends z.ZodType>(
  response: Response,
  schema: S,
  what: string,
): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new TransientError(`Graph answered the ${what} request with a body that is not JSON`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    // Issue paths only: zod does not echo input values unless asked to.
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new TransientError(`Graph answered the ${what} request with an unexpected body (${where})`);
  }
  return parsed.data;
}

export async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed or closed: nothing to release.
  }
}
