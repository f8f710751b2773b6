// RFC 9457 problem details: every 4xx/5xx the app returns uses this shape.
import type { HttpResponseInit } from '@azure/functions';
import { redactText } from '../../core/logging/redact.js';

export interface ProblemDetails {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

export function problem(
  status: number,
  title: string,
  detail?: string,
  extensions: Record<string, unknown> = {},
): HttpResponseInit {
  const body: ProblemDetails = { type: 'about:blank', title, status, ...extensions };
  if (detail) body.detail = redactText(detail);
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(body),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** A problem the client should retry later (503 on transient upstream failures, 409 while a sync runs). */
export function retryableProblem(
  status: number,
  title: string,
  retryAfterSeconds: number,
  detail?: string,
): HttpResponseInit {
  const base = problem(status, title, detail);
  return {
    ...base,
    headers: { ...(base.headers as Record<string, string>), 'retry-after': String(retryAfterSeconds) },
  };
}
