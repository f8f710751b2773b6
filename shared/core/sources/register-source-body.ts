// The body of PUT /api/kbs/{kbId}/sources/{sourceId}. Strict: an unknown field is a 400, so a typo
// ("filter" for "filters") is reported instead of silently ignored.
import { z } from 'zod';
import { driveSelectorSchema, fileFiltersSchema, folderScopeSchema, SOURCE_TYPES } from '../domain/source.js';

export const MIN_POLL_INTERVAL_SECONDS = 60;
export const MAX_POLL_INTERVAL_SECONDS = 86_400;

export const registerSourceBodySchema = z
  .object({
    type: z.enum(SOURCE_TYPES),
    drive: driveSelectorSchema,
    scope: folderScopeSchema.optional(),
    filters: fileFiltersSchema.optional(),
    pollIntervalSeconds: z.number().int().min(MIN_POLL_INTERVAL_SECONDS).max(MAX_POLL_INTERVAL_SECONDS).optional(),
    auth: z.enum(['delegated', 'app']).default('delegated'),
    /** Until the connect flow is used: a refresh token obtained elsewhere, kept in the token store only. */
    refreshToken: z.string().min(1).max(16_384).optional(),
    /** Tenant of the grant (delegated) or of the app-only consent; defaults to MS_TENANT_ID. */
    tenantId: z.string().min(1).max(128).optional(),
  })
  .strict()
  .refine((body) => !(body.auth === 'app' && body.refreshToken !== undefined), {
    message: 'app-only sources take no refresh token',
    path: ['refreshToken'],
  });
export type RegisterSourceBody = z.output<typeof registerSourceBodySchema>;
