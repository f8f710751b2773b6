// The OData options the Teams message APIs accept, and nothing else:
// - channel-list-messages and chatmessage-delta: $top up to 50;
// - chatmessage-delta: $filter only `lastModifiedDateTime gt {time}`;
// - chat-list-messages: $top up to 50; $orderby lastModifiedDateTime desc (default) or createdDateTime
//   desc (ascending unsupported); $filter lastModifiedDateTime gt/lt, createdDateTime lt, applied only
//   when $orderby names the same property, otherwise ignored ("Other OData query parameters are not
//   currently supported").
import { badRequest, unsupportedQuery } from './teams-errors.js';

export const MAX_TOP = 50;

/** $top: an integer from 1 to 50 (the documented upper limit), or undefined when absent. */
export function parseTop(params: URLSearchParams): number | undefined {
  const raw = params.get('$top');
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) badRequestThrow(`Invalid value '${raw}' for $top.`);
  const top = Number(raw);
  if (top < 1 || top > MAX_TOP) badRequestThrow(`The value of $top must be between 1 and ${MAX_TOP}; it was ${top}.`);
  return top;
}

/** Refuses every query option outside `allowed` (names as written, e.g. $top). */
export function allowOnly(params: URLSearchParams, allowed: string[]): void {
  for (const key of params.keys()) if (!allowed.includes(key)) throw unsupportedQuery(key);
}

const TIME = '(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,7})?(?:Z|[+-]\\d{2}:\\d{2}))';

function parseTime(text: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) badRequestThrow(`'${text}' is not a valid DateTimeOffset.`);
  return ms;
}

/** chatmessage-delta's $filter: `lastModifiedDateTime gt {time}` only. */
export function parseDeltaFilter(params: URLSearchParams): number | undefined {
  const raw = params.get('$filter');
  if (raw === null) return undefined;
  const match = new RegExp(`^\\s*lastModifiedDateTime\\s+gt\\s+${TIME}\\s*$`, 'i').exec(raw);
  if (!match)
    badRequestThrow(
      "Only 'lastModifiedDateTime gt {DateTimeOffset}' is supported in $filter for channel message delta.",
    );
  return parseTime(match[1]!);
}

export interface ChatListQuery {
  orderBy: 'lastModifiedDateTime' | 'createdDateTime';
  /** Bounds on the orderBy property (exclusive); undefined = unbounded. */
  gt: number | undefined;
  lt: number | undefined;
}

/** chat-list-messages' $orderby and $filter. */
export function parseChatListQuery(params: URLSearchParams): ChatListQuery {
  let orderBy: ChatListQuery['orderBy'] = 'lastModifiedDateTime';
  const rawOrder = params.get('$orderby');
  let orderGiven = false;
  if (rawOrder !== null) {
    const match = /^\s*(lastModifiedDateTime|createdDateTime)\s+desc\s*$/i.exec(rawOrder);
    if (!match)
      badRequestThrow(
        `$orderby '${rawOrder}' is not supported: only 'lastModifiedDateTime desc' and 'createdDateTime desc' are.`,
      );
    orderBy = match[1]!.toLowerCase() === 'createddatetime' ? 'createdDateTime' : 'lastModifiedDateTime';
    orderGiven = true;
  }
  const rawFilter = params.get('$filter');
  if (rawFilter === null) return { orderBy, gt: undefined, lt: undefined };
  const clauses = rawFilter.split(/\s+and\s+/i);
  let gt: number | undefined;
  let lt: number | undefined;
  let property: string | undefined;
  for (const clause of clauses) {
    const match = new RegExp(`^\\s*(lastModifiedDateTime|createdDateTime)\\s+(gt|lt)\\s+${TIME}\\s*$`, 'i').exec(
      clause,
    );
    if (!match) badRequestThrow(`$filter '${rawFilter}' is not supported.`);
    const name = match[1]!.toLowerCase() === 'createddatetime' ? 'createdDateTime' : 'lastModifiedDateTime';
    const operator = match[2]!.toLowerCase();
    if (property !== undefined && property !== name)
      badRequestThrow('$filter can name one property: lastModifiedDateTime or createdDateTime.');
    property = name;
    if (name === 'createdDateTime' && operator === 'gt')
      badRequestThrow("createdDateTime supports only the 'lt' operator in $filter.");
    const time = parseTime(match[3]!);
    if (operator === 'gt') gt = time;
    else lt = time;
  }
  // "You can only filter results if the request URL contains the $orderby and $filter query parameters
  // configured for the same property; otherwise, the $filter query option is ignored."
  if (!orderGiven || property !== orderBy) return { orderBy, gt: undefined, lt: undefined };
  return { orderBy, gt, lt };
}

function badRequestThrow(message: string): never {
  throw badRequest(message);
}
