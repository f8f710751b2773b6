// The sandbox's tiny HTTP vocabulary: a parsed request, a response value, and a route table.
// Handlers return values instead of writing to the socket so the server can log, throttle and
// inject faults in one place.
import type { IncomingHttpHeaders } from 'node:http';

export interface SandboxRequest {
  method: string;
  url: URL;
  /** Decoded path, e.g. /v1.0/drives/b!x/root/delta(token='…'). */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** What the request log records about it (§5 resource units; the signed-in user). */
  ru?: number;
  userId?: string | null;
}

/** Which gate a route sits behind: control routes skip faults, throttling and the request log. */
export type RouteArea = 'graph' | 'identity' | 'download' | 'control';

export type RouteHandler = (
  request: SandboxRequest,
  params: Record<string, string>,
) => SandboxResponse | Promise<SandboxResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  area: RouteArea;
  handler: RouteHandler;
}

export class SandboxRouter {
  private readonly routes: Route[] = [];

  /** `pattern` is matched against the whole path; its named groups become params. Method '*' matches any. */
  add(method: string, pattern: RegExp, area: RouteArea, handler: RouteHandler): void {
    this.routes.push({ method, pattern, area, handler });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== '*' && route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (match) return { route, params: { ...match.groups } };
    }
    return undefined;
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
