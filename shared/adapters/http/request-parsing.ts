// Parsing of HTTP input (route ids, JSON bodies, query strings) with zod, answering a 400
// problem+json on failure (docs/invariants.md, invariant 7). Problems list each zod issue's path and message,
// never the input value: a rejected body may hold a refresh token (invariant 8).
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import { idSchema, type SourceKey } from '../../core/domain/source.js';
import { itemIdSchema } from '../../core/domain/item-id.js';
import { describeIssues, issuesLine } from '../../core/validation/describe-issues.js';
import { problem } from './problem.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: HttpResponseInit };

export function invalidInput(title: string, error: z.ZodError): HttpResponseInit {
  const issues = describeIssues(error);
  return problem(400, title, issuesLine(issues), { issues });
}

/** Route parameters that must be ids (kbId, sourceId). */
export function parseRouteIds<K extends string>(request: HttpRequest, names: readonly K[]): Parsed<Record<K, string>> {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const parsed = idSchema.safeParse(request.params[name] ?? '');
    if (!parsed.success) return { ok: false, response: invalidInput(`invalid ${name}`, parsed.error) };
    out[name] = parsed.data;
  }
  return { ok: true, value: out };
}

export function parseSourceKey(request: HttpRequest): Parsed<SourceKey> {
  return parseRouteIds(request, ['kbId', 'sourceId'] as const);
}

/** A source's key and provider ids of the route (itemId, attachmentId), as events and lists carry them. */
export function parseItemRoute<K extends string>(
  request: HttpRequest,
  names: readonly K[],
): Parsed<{ key: SourceKey; ids: Record<K, string> }> {
  const key = parseSourceKey(request);
  if (!key.ok) return key;
  const ids = {} as Record<K, string>;
  for (const name of names) {
    const parsed = itemIdSchema.safeParse(request.params[name]);
    if (!parsed.success) return { ok: false, response: invalidInput(`invalid ${name}`, parsed.error) };
    ids[name] = parsed.data;
  }
  return { ok: true, value: { key: key.value, ids } };
}

/** Reads the body as JSON and validates it; bad JSON and a wrong shape are both 400. */
export async function parseJsonBody<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
): Promise<Parsed<z.output<S>>> {
  const text = await request.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, response: problem(400, 'request body is not valid JSON') };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, response: invalidInput('invalid request body', parsed.error) };
  return { ok: true, value: parsed.data };
}

/** Validates the query string as a flat object of its first values. */
export function parseQuery<S extends z.ZodType>(request: HttpRequest, schema: S): Parsed<z.output<S>> {
  const raw: Record<string, string> = {};
  for (const [name, value] of request.query) if (!(name in raw)) raw[name] = value;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, response: invalidInput('invalid query', parsed.error) };
  return { ok: true, value: parsed.data };
}
