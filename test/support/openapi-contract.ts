// Checks HTTP answers against the OpenAPI document (shared/app/openapi): the path and method are
// documented, the status is, the content type is one the status lists, and a JSON body validates
// against its schema (JSON Schema 2020-12, with Ajv's 2020 dialect: https://ajv.js.org/json-schema.html).
// Returns what does not fit, one line each; an empty list means the answer keeps the contract.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ObservedResponse } from '../../dev/host/response-observer.js';
import type { OpenApiDocument } from '../../shared/app/openapi/openapi-document.js';

type Json = Record<string, unknown>;
// ajv-formats is CommonJS: its default export is the function under ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const DOCUMENT_ID = 'kb-sync-openapi.json';

/** RFC 6901 pointer segment, then URI-fragment safe ({, }, *, / in media types and paths). */
const pointerSegment = (segment: string) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));

interface PathTemplate {
  template: string;
  pattern: RegExp;
  literals: number;
}

export function contractChecker(document: OpenApiDocument): (answer: ObservedResponse) => string[] {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema(document, DOCUMENT_ID);
  const validators = new Map<string, ValidateFunction>();
  const prefix = ((document.servers as Array<{ url: string }> | undefined)?.[0]?.url ?? '').replace(/\/+$/, '');
  const templates: PathTemplate[] = Object.keys(document.paths)
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      literals: template.split('/').filter((part) => part !== '' && !part.startsWith('{')).length,
    }))
    // More literal segments first, as the Functions host routes.
    .sort((a, b) => b.literals - a.literals);

  function validatorAt(pointer: string[]): ValidateFunction {
    const ref = `${DOCUMENT_ID}#/${pointer.map(pointerSegment).join('/')}`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    return validate;
  }

  /** Follows a Response Object's `$ref` (#/components/responses/…), keeping where it ended up. */
  function resolve(response: Json, pointer: string[]): { response: Json; pointer: string[] } {
    const ref = response.$ref;
    if (typeof ref !== 'string') return { response, pointer };
    const target = ref.replace(/^#\//, '').split('/');
    const found = target.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document) as Json;
    return resolve(found, target);
  }

  return (answer) => {
    const path = decodeURI(new URL(answer.url, 'http://local').pathname);
    const where = `${answer.method} ${answer.url} → ${answer.status}`;
    if (!path.startsWith(`${prefix}/`)) return [`${where}: not below the document's server URL ${prefix}`];
    const below = path.slice(prefix.length);
    const matched = templates.find(({ pattern }) => pattern.test(below));
    if (!matched) return [`${where}: no documented path`];
    const method = answer.method.toLowerCase();
    const operation = (document.paths[matched.template] as Json)[method] as Json | undefined;
    if (!operation) return [`${where}: ${answer.method} is not documented for ${matched.template}`];
    const responses = operation.responses as Record<string, Json>;
    const status = String(answer.status);
    const documented = responses[status] ?? responses.default;
    if (!documented) return [`${where}: status ${status} is not documented for ${answer.method} ${matched.template}`];
    const { response, pointer } = resolve(documented, [
      'paths',
      matched.template,
      method,
      'responses',
      responses[status] ? status : 'default',
    ]);
    const content = response.content as Record<string, Json> | undefined;
    if (!content) {
      return answer.contentType === undefined && !answer.body
        ? []
        : [`${where}: documented without a body, answered ${answer.contentType ?? 'a body'}`];
    }
    if (answer.contentType === undefined) {
      // A body-less answer to HEAD keeps GET's headers; otherwise a documented body must come with its type.
      return answer.method === 'HEAD'
        ? []
        : [`${where}: no content type; documented ${Object.keys(content).join(', ')}`];
    }
    const mediaType = Object.keys(content).find((range) => mediaRangeMatches(range, answer.contentType!));
    if (!mediaType)
      return [`${where}: content type ${answer.contentType} is not one of ${Object.keys(content).join(', ')}`];
    if (answer.body === undefined || !/json$/i.test(answer.contentType)) return [];
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [`${where}: the ${answer.contentType} body is not JSON`];
    }
    const validate = validatorAt([...pointer, 'content', mediaType, 'schema']);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${where}: body${error.instancePath} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`,
    );
  };
}

function mediaRangeMatches(range: string, contentType: string): boolean {
  const [type, subtype] = range.toLowerCase().split('/');
  const [actualType, actualSubtype] = contentType.toLowerCase().split('/');
  return (type === '*' || type === actualType) && (subtype === '*' || subtype === actualSubtype);
}
