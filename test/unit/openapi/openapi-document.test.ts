// The API document: valid OpenAPI 3.1 (checked with the official 3.1 JSON Schema, through
// @seriousme/openapi-schema-validator), one operation per HTTP function and method and no other, and
// the PUT body it shows accepts and refuses what the route's own schema does.
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadFunctionDefinitions } from '../../../dev/host/load-functions.js';
import { registerSourceBodySchema } from '../../../shared/app/provider-registry.js';
import { buildOpenApiDocument } from '../../../shared/app/openapi/openapi-document.js';
import { MASTER_KEY_SECURITY } from '../../../shared/app/openapi/poison-operations.js';

const document = buildOpenApiDocument();
type Json = Record<string, unknown>;

/** The node at a path of keys in a JSON value (undefined when absent). */
function at(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], value);
}

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is refused by the validator when it breaks OpenAPI (so the check above can fail)', async () => {
    const broken = structuredClone(document);
    (at(broken, 'paths', '/health', 'get') as Json).responses = 'none';
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('has one operation per HTTP function and method, and none without a function', async () => {
    const functions = (await loadFunctionDefinitions()).flatMap((definition) =>
      definition.kind === 'http' ? definition.methods.map((method) => `${method} /${definition.route}`) : [],
    );
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'delete', 'head', 'patch'].includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(functions.sort());
  });

  it('asks for the function key except on anonymous routes, and the master key on admin routes', async () => {
    const definitions = await loadFunctionDefinitions();
    const routesOf = (level: string) =>
      definitions.flatMap((definition) =>
        definition.kind === 'http' && definition.authLevel === level ? [`/${definition.route}`] : [],
      );
    const anonymous = routesOf('anonymous');
    const admin = routesOf('admin');
    expect(admin.length).toBeGreaterThan(0);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const operation of Object.values(item).filter((value) => at(value, 'responses'))) {
        expect({ path, security: at(operation, 'security') }).toEqual({
          path,
          security: anonymous.includes(path) ? [] : admin.includes(path) ? MASTER_KEY_SECURITY : undefined,
        });
      }
    }
    expect(document.security).toEqual([{ functionKeyHeader: [] }, { functionKeyQuery: [] }]);
  });

  it("shows the PUT body so that it accepts and refuses what the route's schema does", () => {
    const path = ['paths', '/kbs/{kbId}/sources/{sourceId}', 'put', 'requestBody', 'content', 'application/json'];
    const validate = new Ajv2020({ strict: false }).compile(at(document, ...path, 'schema') as Json);
    const bodies: unknown[] = [
      { type: 'onedrive', drive: { me: true } },
      { type: 'onedrive', location: { drive: { driveId: 'b!abc' }, scope: { path: 'Docs' } } },
      { type: 'sharepoint', drive: { siteId: 'root', libraryName: 'Docs' }, filters: { extensions: ['pdf'] } },
      { type: 'onedrive', drive: { me: true }, pollIntervalSeconds: 10 },
      { type: 'onedrive', drive: { me: true }, filter: {} },
      { type: 'dropbox', drive: { me: true } },
      { type: 'onedrive', location: { drive: { driveId: 'a/b' } } },
      { type: 'onedrive', location: { drive: { me: false } } },
    ];
    for (const body of bodies) {
      expect({ body, shownAccepts: validate(body) }).toEqual({
        body,
        shownAccepts: registerSourceBodySchema.safeParse(body).success,
      });
    }
  });

  it('names the change event and holds no setting or secret', () => {
    expect(document.components.schemas.ChangeEvent?.required).toEqual(
      expect.arrayContaining(['cursor', 'eventId', 'schemaVersion', 'kind', 'op', 'contentChanged', 'contentHash']),
    );
    const text = JSON.stringify(document);
    for (const value of Object.values(process.env).filter((value) => value && value.length >= 12)) {
      expect(text.includes(value!)).toBe(false);
    }
    expect(text).not.toMatch(/https?:\/\/(?!json-schema\.org|spec\.openapis\.org)/);
  });
});
