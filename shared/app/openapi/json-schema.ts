// zod schemas as the JSON Schema 2020-12 that OpenAPI 3.1 uses (https://spec.openapis.org/oas/v3.1.0#schema-object),
// through zod's own converter (https://zod.dev/json-schema). Requests are shown as the schema accepts
// them (io "input": defaults optional), answers as the code produces them (io "output").
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** Where named schemas live in the document; `$ref`s point here. */
export const COMPONENT_SCHEMAS = '#/components/schemas/';

export function schemaRef(name: string): JsonSchema {
  return { $ref: `${COMPONENT_SCHEMAS}${name}` };
}

/** OpenAPI's Schema Object takes the dialect from the document (jsonSchemaDialect), not from each schema. */
function withoutDialect({ $schema: _dialect, $id: _id, ...schema }: JsonSchema): JsonSchema {
  return schema;
}

/** What a request may carry (query, path, body). Transforms and refinements are not shown: the route still runs them. */
export function requestSchema(schema: z.ZodType): JsonSchema {
  return withoutDialect(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }));
}

/** Named answer schemas as `components.schemas`; one named inside another becomes a `$ref`. */
export function componentSchemas(named: Readonly<Record<string, z.ZodType>>): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `${COMPONENT_SCHEMAS}${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, withoutDialect(schema as JsonSchema)]));
}

/** A query schema (a zod object) as OpenAPI query parameters, one per property. */
export function queryParameters(schema: z.ZodType): JsonSchema[] {
  const object = requestSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: object.required?.includes(name) ?? false,
    schema: property,
  }));
}

export function pathParameter(name: string, schema: z.ZodType, description: string): JsonSchema {
  return { name, in: 'path', required: true, description, schema: requestSchema(schema) };
}
