// Query options and Prefer preferences of the mail routes. Delta accepts $select, $top, the one
// $filter and $orderby it documents, and changeType (https://learn.microsoft.com/graph/api/message-delta);
// other filters are refused with the answer observed for them (microsoftgraph/microsoft-graph-docs-contrib#1771).
// Lists take a small $filter subset; a filter outside it is refused as Outlook refuses an invalid one.
import type { SandboxRequest } from '../http/sandbox-http.js';
import type { MessageRecord } from './mail-model.js';
import { invalidFilter, invalidUrlQuery } from './mail-errors.js';
import type { MessageDeltaQuery } from './mail-delta.js';

export interface Preferences {
  /** Prefer: IdType="ImmutableId" (outlook-immutable-id). */
  immutableIds: boolean;
  /** Prefer: odata.maxpagesize=N (message-delta, mailfolder-delta request headers). */
  maxPageSize: number | undefined;
  /** Prefer: outlook.body-content-type="text"|"html" (message-get). */
  bodyContentType: 'html' | 'text' | undefined;
}

const MAX_PAGE_SIZE = 1000;

export function preferences(request: SandboxRequest): Preferences {
  const raw = request.headers.prefer;
  const header = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  const result: Preferences = { immutableIds: false, maxPageSize: undefined, bodyContentType: undefined };
  for (const part of header.split(',')) {
    const [name, ...rest] = part.split('=');
    const key = (name ?? '').trim().toLowerCase();
    const value = rest.join('=').trim().replace(/^"|"$/g, '');
    if (key === 'idtype' && value.toLowerCase() === 'immutableid') result.immutableIds = true;
    if (key === 'odata.maxpagesize') {
      const size = Number(value);
      if (Number.isInteger(size) && size > 0) result.maxPageSize = Math.min(size, MAX_PAGE_SIZE);
    }
    if (key === 'outlook.body-content-type' && (value === 'text' || value === 'html')) result.bodyContentType = value;
  }
  return result;
}

export function parseTop(request: SandboxRequest): number | undefined {
  const raw = request.url.searchParams.get('$top');
  if (raw === null) return undefined;
  const top = Number(raw);
  // $top=0 would page forever.
  if (!Number.isInteger(top) || top < 1) throw invalidUrlQuery(`The value '${raw}' of '$top' is not valid.`);
  return Math.min(top, MAX_PAGE_SIZE);
}

/** Refuses OData system query options the route does not take (Graph answers 400 for those). */
export function allowOnly(request: SandboxRequest, allowed: string[]): void {
  for (const name of request.url.searchParams.keys()) {
    if (name.startsWith('$') && !allowed.includes(name.toLowerCase()))
      throw invalidUrlQuery(`The query parameter '${name}' is not supported on this resource.`);
  }
}

const DELTA_FILTER = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i;

/** The options of a delta request, without its token. */
export function messageDeltaQuery(request: SandboxRequest, select: string[] | undefined): MessageDeltaQuery {
  const params = request.url.searchParams;
  let receivedAfter: MessageDeltaQuery['receivedAfter'];
  const filter = params.get('$filter');
  if (filter !== null) {
    const match = DELTA_FILTER.exec(filter);
    const time = match ? Date.parse(match[2]!.replace(/^'|'$/g, '')) : NaN;
    if (!match || Number.isNaN(time))
      throw invalidUrlQuery(
        "The '$filter' parameter value is not supported for 'Messages' resource; only a value of 'receivedDateTime ge value' is supported.",
      );
    receivedAfter = { inclusive: match[1]!.toLowerCase() === 'ge', time };
  }
  const orderBy = params.get('$orderby');
  if (orderBy !== null && !/^\s*receivedDateTime\s+desc\s*$/i.test(orderBy))
    throw invalidUrlQuery("The only supported '$orderby' value for delta is 'receivedDateTime desc'.");
  const changeType = params.get('changeType') ?? undefined;
  if (changeType !== undefined && !['created', 'updated', 'deleted'].includes(changeType))
    throw invalidUrlQuery(`The value '${changeType}' of 'changeType' is not valid: created, updated or deleted.`);
  return {
    select,
    receivedAfter,
    changeType: changeType as MessageDeltaQuery['changeType'],
    newestFirst: orderBy !== null,
  };
}

/** Whether the request names any option that a delta token already carries. */
export function hasDeltaOptions(request: SandboxRequest): boolean {
  const params = request.url.searchParams;
  return ['$select', '$filter', '$orderby', 'changeType'].some((name) => params.has(name));
}

type MessagePredicate = (message: MessageRecord) => boolean;

const LIST_CLAUSE =
  /^(receivedDateTime|sentDateTime|lastModifiedDateTime|isRead|isDraft|hasAttachments)\s+(eq|ne|ge|gt|le|lt)\s+(\S+)$/i;

/**
 * A conjunction of simple comparisons on dates and flags (`receivedDateTime ge 2024-01-01T00:00:00Z
 * and isRead eq false`): enough for a sync client; anything else is refused.
 */
export function listFilter(raw: string | null): MessagePredicate | undefined {
  if (raw === null) return undefined;
  const predicates = raw.split(/\s+and\s+/i).map((clause): MessagePredicate => {
    const match = LIST_CLAUSE.exec(clause.trim());
    if (!match) throw invalidFilter();
    const property = match[1]!.toLowerCase();
    const op = match[2]!.toLowerCase();
    const literal = match[3]!.replace(/^'|'$/g, '');
    if (property.endsWith('datetime')) {
      const time = Date.parse(literal);
      if (Number.isNaN(time)) throw invalidFilter();
      const of = (m: MessageRecord) =>
        property === 'receiveddatetime' ? m.receivedAt : property === 'sentdatetime' ? (m.sentAt ?? 0) : m.modifiedAt;
      return (m) => compare(of(m), op, time);
    }
    if (literal !== 'true' && literal !== 'false') throw invalidFilter();
    if (op !== 'eq' && op !== 'ne') throw invalidFilter();
    const wanted = literal === 'true';
    const of = (m: MessageRecord) =>
      property === 'isread'
        ? m.isRead
        : property === 'isdraft'
          ? m.isDraft
          : m.attachments.some((attachment) => !attachment.isInline);
    return (m) => (op === 'eq' ? of(m) === wanted : of(m) !== wanted);
  });
  return (message) => predicates.every((predicate) => predicate(message));
}

function compare(value: number, op: string, against: number): boolean {
  switch (op) {
    case 'eq':
      return value === against;
    case 'ne':
      return value !== against;
    case 'ge':
      return value >= against;
    case 'gt':
      return value > against;
    case 'le':
      return value <= against;
    default:
      return value < against;
  }
}
