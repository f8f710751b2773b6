// The HTTPS request pipeline: route, inject faults, run the handler, log, write. Only loopback
// addresses are accepted as bind hosts: the sandbox must never be reachable from elsewhere.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxClock } from '../state/sandbox-clock.js';
import { graphError, tooManyRequests } from '../graph/graph-errors.js';
import type { FaultInjector, FaultSpec } from './fault-injector.js';
import type { RequestLog } from './request-log.js';
import type { SandboxRequest, SandboxResponse, SandboxRouter } from './sandbox-http.js';

export interface SandboxServerDeps {
  router: SandboxRouter;
  faults: FaultInjector;
  requestLog: RequestLog;
  clock: SandboxClock;
  tls: { cert: string; key: string };
  /**
   * Told about each request just before its answer is written (a persisted sandbox writes or
   * schedules a write of its state file, so what it answers can be made durable first).
   */
  beforeAnswer?: (request: SandboxRequest, response: SandboxResponse) => void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function listenSandbox(
  deps: SandboxServerDeps,
  host: string,
  port: number,
  baseUrl: () => string,
): Promise<RunningServer> {
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`the sandbox binds to loopback only, not ${host}`);
  const server = https.createServer({ cert: deps.tls.cert, key: deps.tls.key }, (req, res) => {
    handle(deps, req, res, baseUrl()).catch((error: unknown) => {
      if (!res.headersSent) {
        const response = graphError(
          undefined,
          500,
          'generalException',
          error instanceof Error ? error.message : 'unexpected error',
          deps.clock.now(),
        );
        res.writeHead(response.status, response.headers);
        res.end(response.body);
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  deps: SandboxServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  baseUrl: string,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', baseUrl);
  const request: SandboxRequest = {
    method,
    url,
    path: url.pathname,
    headers: req.headers,
    body: Buffer.concat(chunks),
  };
  const match = deps.router.match(method, url.pathname);
  if (!match) {
    write(res, graphError(request, 404, 'itemNotFound', `No route for ${method} ${url.pathname}`, deps.clock.now()));
    return;
  }
  const logged = match.route.area !== 'control';
  const fault = logged ? deps.faults.take(method, url.pathname) : undefined;
  if (fault?.kind === 'reset') {
    deps.requestLog.add({ method, path: url.pathname, status: 0, ru: 0, userId: null, time: deps.clock.now() });
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'delay') await sleep(fault.delayMs ?? 1000);
  const handlerStart = performance.now();
  const response =
    fault && fault.kind !== 'delay'
      ? faultResponse(request, fault, deps.clock.now())
      : await match.route.handler(request, match.params);
  // Server-Timing lets benchmarks tell the sandbox's own serving time from the client's.
  const handlerMs = (performance.now() - handlerStart).toFixed(3);
  response.headers = { ...response.headers, 'server-timing': `sandbox;dur=${handlerMs}` };
  if (logged) {
    deps.requestLog.add({
      method,
      path: url.pathname,
      status: response.status,
      ru: response.ru ?? 0,
      userId: response.userId ?? null,
      time: deps.clock.now(),
    });
  }
  deps.beforeAnswer?.(request, response);
  write(res, response);
}

function faultResponse(request: SandboxRequest, fault: FaultSpec, now: number): SandboxResponse {
  const retryAfter: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
  switch (fault.kind) {
    case '429':
      // A fractional default, as Graph sends (docs/graph-behaviour.md §5).
      return tooManyRequests(request, fault.retryAfterSeconds ?? 2.128, now);
    case '503':
      return graphError(
        request,
        503,
        'serviceNotAvailable',
        'The service is temporarily unavailable.',
        now,
        retryAfter,
      );
    default:
      return graphError(request, 504, 'gatewayTimeout', 'The gateway timed out.', now, retryAfter);
  }
}

function write(res: ServerResponse, response: SandboxResponse): void {
  const body = response.body ?? '';
  res.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
