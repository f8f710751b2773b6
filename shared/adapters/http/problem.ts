// RFC 9457 problem details: every 4xx/5xx the app returns uses this shape
// (https://www.rfc-editor.org/rfc/rfc9457). The schema is the one the OpenAPI document shows.
import type { HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { SOURCE_STATES } from '../../core/domain/source.js';
import { redactText } from '../../core/logging/redact.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Open to extension members (RFC 9457 §3.2); the ones this app sends are named. */
export const problemDetailsSchema = z
  .looseObject({
    type: z.string().describe('about:blank, or a urn:kb-sync:problem:… naming a problem hosts branch on'),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    issues: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('On 400: each invalid input, by path (never its value)'),
    state: z.enum(SOURCE_STATES).optional().describe("The source's state when it explains the refusal"),
  })
  .describe('RFC 9457 problem details');
export type ProblemDetails = z.infer<typeof problemDetailsSchema>;

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
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
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
