// The `fields` parameter: partial responses, as "Return specific fields"
// (https://developers.google.com/workspace/drive/api/guides/fields-parameter) describes them:
// comma-separated names, `a/b` for a sub-field, `a(b,c)` for several sub-fields, `*` for all.
// A name the resource does not have is refused with 400 "Invalid field selection".
import { fail } from './google-errors.js';

export type FieldMask = Map<string, FieldMask | true>;

export function parseFields(text: string): FieldMask {
  let position = 0;
  const parseList = (): FieldMask => {
    const mask: FieldMask = new Map();
    for (;;) {
      const name = /^[A-Za-z*][A-Za-z0-9_*]*/.exec(text.slice(position))?.[0];
      if (!name) invalidSelection(text);
      position += name.length;
      let sub: FieldMask | true = true;
      if (text[position] === '(') {
        position += 1;
        sub = parseList();
        if (text[position] !== ')') invalidSelection(text);
        position += 1;
      } else if (text[position] === '/') {
        position += 1;
        sub = parseList();
      }
      mask.set(name, sub);
      if (text[position] !== ',') return mask;
      position += 1;
      while (text[position] === ' ') position += 1;
    }
  };
  const mask = parseList();
  if (position !== text.length) invalidSelection(text);
  return mask;
}

/**
 * Keeps what the mask selects. `known` lists the names each object may have (a nested object's under
 * its field name); selecting another name is refused, as Drive does.
 */
export function applyMask(
  value: Record<string, unknown>,
  mask: FieldMask,
  known: KnownFields,
): Record<string, unknown> {
  // Checked against the resource, not the data: an empty list does not make a bad selection valid.
  checkMask(mask, known);
  return select(value, mask, known);
}

function checkMask(mask: FieldMask, known: KnownFields): void {
  for (const [name, sub] of mask) {
    if (name === '*') continue;
    const nested = known.fields[name];
    if (nested === undefined) invalidSelection(name);
    if (sub !== true && nested !== true) checkMask(sub, nested);
  }
}

function select(value: Record<string, unknown>, mask: FieldMask, known: KnownFields): Record<string, unknown> {
  if (mask.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [name, sub] of mask) {
    const nested = known.fields[name]!;
    if (!(name in value)) continue;
    const field = value[name];
    if (sub === true || nested === true) {
      out[name] = field;
    } else if (Array.isArray(field)) {
      out[name] = field.map((entry) => select(entry as Record<string, unknown>, sub, nested));
    } else if (field && typeof field === 'object') {
      out[name] = select(field as Record<string, unknown>, sub, nested);
    }
  }
  return out;
}

export interface KnownFields {
  fields: Record<string, KnownFields | true>;
}

function invalidSelection(what: string): never {
  fail(400, { reason: 'invalidParameter', message: `Invalid field selection ${what}`, location: 'fields' });
}
