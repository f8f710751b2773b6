// The body of PUT /api/kbs/{kbId}/sources/{sourceId}. Strict: an unknown field is a 400, so a typo
// ("filter" for "filters") is reported instead of silently ignored. The location is the provider's
// shape: the schema is built from each source type's location schema (shared/app/provider-registry.ts).
import { z } from 'zod';
import { fileFiltersSchema, type SourceLocation } from '../domain/source.js';

export const MIN_POLL_INTERVAL_SECONDS = 60;
export const MAX_POLL_INTERVAL_SECONDS = 86_400;

/** What the body needs to know of a source type's provider (a subset of SyncProvider). */
export interface LocationRules {
  locationSchema: z.ZodType<SourceLocation>;
  /** Body fields the type named its location with before `location` existed (accepted still). */
  legacyLocationFields?: readonly string[];
  /** Maps those fields to a location (undefined: the body has none of them). */
  legacyLocation?(body: Readonly<Record<string, unknown>>): unknown;
}

/** The fields every source type's body has besides its location. */
const commonFields = {
  filters: fileFiltersSchema.optional(),
  pollIntervalSeconds: z.number().int().min(MIN_POLL_INTERVAL_SECONDS).max(MAX_POLL_INTERVAL_SECONDS).optional(),
  auth: z.enum(['delegated', 'app']).default('delegated'),
  /** Until the connect flow is used: a refresh token obtained elsewhere, kept in the token store only. */
  refreshToken: z
    .string()
    .min(1)
    .max(16_384)
    .optional()
    .describe('Second choice to the connect flow; stored in the token store only, never shown. Not with auth "app"'),
  /** Directory (tenant) of the grant (delegated) or of the app-only consent; defaults to the app's. */
  tenantId: z.string().min(1).max(128).optional(),
};

export function createRegisterSourceBodySchema<T extends string>(types: Readonly<Record<T, LocationRules>>) {
  const names = Object.keys(types) as [T, ...T[]];
  const rulesOf = (type: T): LocationRules => types[type];
  const legacyFields = [...new Set(names.flatMap((name) => rulesOf(name).legacyLocationFields ?? []))];
  const legacyShape = Object.fromEntries(legacyFields.map((field) => [field, z.unknown().optional()]));
  return z
    .object({
      type: z.enum(names),
      /** Where the source reads, in the source type's shape (docs/api.md). */
      location: z.unknown().optional(),
      ...legacyShape,
      ...commonFields,
    })
    .strict()
    .refine((body) => !(body.auth === 'app' && body.refreshToken !== undefined), {
      message: 'app-only sources take no refresh token',
      path: ['refreshToken'],
    })
    .transform((body, context) => {
      const rules = rulesOf(body.type);
      const foreign = legacyFields.filter(
        (field) => body[field as keyof typeof body] !== undefined && !rules.legacyLocationFields?.includes(field),
      );
      for (const field of foreign) {
        context.addIssue({ code: 'custom', message: `not a field of ${body.type} sources`, path: [field] });
      }
      if (foreign.length > 0) return z.NEVER;
      const legacy = rules.legacyLocation?.(body);
      const { location: given, ...others } = body as typeof body & Record<string, unknown>;
      const rest = Object.fromEntries(Object.entries(others).filter(([field]) => !legacyFields.includes(field)));
      if (given !== undefined && legacy !== undefined) {
        context.addIssue({
          code: 'custom',
          message: 'give either location or its older fields, not both',
          path: ['location'],
        });
        return z.NEVER;
      }
      // Older fields are validated where they stand (their own issue paths); `location` under its name.
      const parsed = rules.locationSchema.safeParse(given ?? legacy ?? {});
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          context.addIssue({
            code: 'custom',
            message: issue.message,
            path: given !== undefined ? ['location', ...issue.path] : issue.path,
          });
        }
        return z.NEVER;
      }
      return { ...(rest as Omit<typeof body, 'location'>), location: parsed.data };
    });
}

/**
 * The same body as one variant per source type, each with its own location schema: what the API
 * document shows (the parsing schema above takes `location` as unknown and checks it per type, which
 * JSON Schema cannot show). Built from the same rules and fields, so a new source type shows up by itself.
 */
export function describeRegisterSourceBody<T extends string>(types: Readonly<Record<T, LocationRules>>): z.ZodType {
  const variants = (Object.keys(types) as T[]).map((type) => {
    const rules: LocationRules = types[type];
    const locationFields: Record<string, z.ZodType> =
      rules.locationSchema instanceof z.ZodObject ? rules.locationSchema.shape : {};
    const legacy = Object.fromEntries(
      (rules.legacyLocationFields ?? []).map((field) => [
        field,
        (locationFields[field] ?? z.unknown()).optional().describe(`Older form of location.${field}`),
      ]),
    );
    return z
      .object({
        type: z.literal(type),
        location: rules.locationSchema.optional().describe("Where the source reads, in this type's shape"),
        ...legacy,
        ...commonFields,
      })
      .strict()
      .describe(`A ${type} source: give location, or its older fields at the top level, not both`);
  });
  const [first, second, ...rest] = variants;
  if (!first) throw new Error('no source type to describe');
  return second ? z.union([first, second, ...rest]) : first;
}

export type RegisterSourceBody = z.output<ReturnType<typeof createRegisterSourceBodySchema<string>>>;
