// Serves HTTP-triggered functions: route and method matching, function-key check, body limit, the
// real HttpRequest/InvocationContext, and the response. Differences from Azure are listed in
// docs/local-host.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import azureFunctions from '@azure/functions';
import type { HttpResponse, HttpResponseInit } from '@azure/functions';
import { problem } from '../../shared/adapters/http/problem.js';
import { formatLogLine } from '../../shared/adapters/logging/logger.js';
import type { HttpFunctionDefinition } from '../../shared/app/function-definitions.js';
import { keysMatch } from './function-key.js';
import { writeHttpResponse, toHttpResponse } from './http-response-writer.js';
import type { InFlight } from './in-flight.js';
import { createInvocationContext, type LineSink } from './invocation-context.js';
import { readRequestBody } from './request-body.js';
import { observeResponse, type ResponseObserver } from './response-observer.js';
import { compileRouteTemplate, pathBelowPrefix, type RouteTemplate } from './route-template.js';

export interface HttpDispatcherOptions {
  definitions: readonly HttpFunctionDefinition[];
  functionKey: string;
  adminKey?: string;
  maxRequestBodyBytes: number;
  inFlight: InFlight;
  sink: LineSink;
  /** host.json extensions.http.routePrefix; Azure's default is "api". */
  routePrefix?: string;
  /** Sees every answer (tests only: the OpenAPI contract check). */
  onResponse?: ResponseObserver;
}

interface CompiledRoute {
  definition: HttpFunctionDefinition;
  route: RouteTemplate;
  methods: Set<string>;
  literalCount: number;
}

function compile(definition: HttpFunctionDefinition): CompiledRoute {
  const literalCount = definition.route.split('/').filter((part) => part !== '' && !part.startsWith('{')).length;
  return {
    definition,
    route: compileRouteTemplate(definition.route),
    methods: new Set(definition.methods.map((method) => method.toUpperCase())),
    literalCount,
  };
}

function headerRecord(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export function createHttpDispatcher(options: HttpDispatcherOptions) {
  // More literal segments first, so `kbs/{kb}/changes` wins over `kbs/{kb}/{anything}` as in ASP.NET routing.
  const routes = options.definitions.map(compile).sort((a, b) => b.literalCount - a.literalCount);
  const routePrefix = options.routePrefix ?? 'api';

  async function answer(
    target: ServerResponse,
    exchange: { method: string; url: URL },
    result: HttpResponse | undefined,
    returned: unknown,
  ): Promise<void> {
    observeResponse(options.onResponse, exchange, result, returned);
    await writeHttpResponse(target, result);
  }

  function requestOf(request: IncomingMessage): { method: string; url: URL } {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    return { method: (request.method ?? 'GET').toUpperCase(), url };
  }

  async function sendInit(
    response: ServerResponse,
    init: HttpResponseInit,
    extraHeaders: Record<string, string> = {},
  ): Promise<void> {
    for (const [name, value] of Object.entries(extraHeaders)) response.setHeader(name, value);
    await answer(response, requestOf(response.req), toHttpResponse(init), init);
  }

  async function dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const exchange = requestOf(request);
    const { method, url } = exchange;
    const segments = pathBelowPrefix(url.pathname, routePrefix);
    let matched: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
    for (const compiled of segments ? routes : []) {
      const params = compiled.route.match(segments ?? []);
      if (params && compiled.methods.has(method)) {
        matched = { compiled, params };
        break;
      }
    }
    // Azure answers 404, not 405, when the path exists but not for this method; so do we.
    if (!matched) return sendInit(response, problem(404, 'Not Found'));

    const { definition } = matched.compiled;
    if (definition.authLevel !== 'anonymous') {
      const presented = request.headers['x-functions-key'] ?? url.searchParams.get('code') ?? undefined;
      const key = Array.isArray(presented) ? presented[0] : presented;
      // The master key opens every route; a function key only function-level ones
      // (https://learn.microsoft.com/en-us/azure/azure-functions/function-keys-how-to#understand-keys).
      const isAdmin = key !== undefined && options.adminKey !== undefined && keysMatch(key, options.adminKey);
      const isFunction = key !== undefined && keysMatch(key, options.functionKey);
      if (!(isAdmin || (definition.authLevel === 'function' && isFunction))) {
        return sendInit(response, problem(401, 'Unauthorized'));
      }
    }

    const body = await readRequestBody(request, options.maxRequestBodyBytes);
    if (body.kind === 'tooLarge') {
      // Close the connection: the rest of the body is never read.
      return sendInit(response, problem(413, 'Payload Too Large'), { connection: 'close' });
    }

    const httpRequest = new azureFunctions.HttpRequest({
      method,
      url: url.toString(),
      headers: headerRecord(request),
      params: matched.params,
      body: { bytes: body.bytes },
    });
    const context = createInvocationContext({
      functionName: definition.name,
      triggerType: 'httpTrigger',
      sink: options.sink,
    });
    let returned;
    let result;
    try {
      returned = await definition.handler(httpRequest, context);
      result = toHttpResponse(returned);
    } catch (error) {
      context.error(formatLogLine('local_host.http_handler_failed', { error }));
      // No details: the error text may carry internals; it is in the (redacted) log instead.
      return sendInit(response, problem(500, 'Internal Server Error'));
    }
    await answer(response, exchange, result, returned);
  }

  return (request: IncomingMessage, response: ServerResponse): void => {
    void options.inFlight.track(
      dispatch(request, response).catch((error: unknown) => {
        options.sink(formatLogLine('local_host.http_response_failed', { url: request.url, error }));
        // Headers may be out already (a stream failed midway): then the only honest signal is a reset.
        if (response.headersSent) response.destroy();
        else void sendInit(response, problem(500, 'Internal Server Error')).catch(() => response.destroy());
      }),
    );
  };
}
