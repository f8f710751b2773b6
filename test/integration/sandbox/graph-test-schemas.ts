// Schemas of Graph payloads written for the sandbox tests from Microsoft's docs (driveitem.md,
// driveitem-delta.md, errors.md, v2-oauth2-auth-code-flow.md). Deliberately not shared with the
// app's client code: a wrong shared schema would let both sides pass.
import { z } from 'zod';

export const itemReferenceSchema = z.object({
  driveId: z.string().optional(),
  driveType: z.enum(['personal', 'business', 'documentLibrary']).optional(),
  id: z.string().optional(),
  path: z.string().optional(),
});

export const driveItemSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    eTag: z.string().optional(),
    cTag: z.string().optional(),
    size: z.number().int().nonnegative().optional(),
    createdDateTime: z.string().datetime().optional(),
    lastModifiedDateTime: z.string().datetime().optional(),
    webUrl: z.string().optional(),
    parentReference: itemReferenceSchema.optional(),
    file: z
      .object({
        mimeType: z.string().optional(),
        hashes: z.object({ quickXorHash: z.string().optional(), sha1Hash: z.string().optional() }).optional(),
      })
      .optional(),
    folder: z.object({ childCount: z.number().int().nonnegative().optional() }).optional(),
    root: z.object({}).optional(),
    deleted: z.object({ state: z.string().optional() }).optional(),
    '@microsoft.graph.downloadUrl': z.string().url().optional(),
  })
  .passthrough();
export type DriveItemBody = z.infer<typeof driveItemSchema>;

/** Exactly one of nextLink / deltaLink (driveitem-delta.md). */
export const deltaPageSchema = z
  .object({
    '@odata.context': z.string().optional(),
    value: z.array(driveItemSchema),
    '@odata.nextLink': z.string().url().optional(),
    '@odata.deltaLink': z.string().url().optional(),
  })
  .refine((page) => (page['@odata.nextLink'] === undefined) !== (page['@odata.deltaLink'] === undefined), {
    message: 'a delta page carries exactly one of @odata.nextLink and @odata.deltaLink',
  });
export type DeltaPageBody = z.infer<typeof deltaPageSchema>;

export const graphErrorSchema = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string(),
    innerError: z
      .object({
        date: z.string().optional(),
        'request-id': z.string().optional(),
        'client-request-id': z.string().optional(),
      })
      .passthrough()
      .optional(),
  }),
});

export const driveSchema = z
  .object({
    id: z.string().min(1),
    driveType: z.enum(['personal', 'business', 'documentLibrary']),
    owner: z.object({ user: z.object({ id: z.string().optional(), displayName: z.string().optional() }) }).optional(),
  })
  .passthrough();

export const tokenSuccessSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().positive(),
  scope: z.string(),
  refresh_token: z.string().optional(),
  id_token: z.string().optional(),
  ext_expires_in: z.number().int().optional(),
});

export const tokenErrorSchema = z.object({
  error: z.string().min(1),
  error_description: z.string().regex(/^AADSTS\d+: /),
  error_codes: z.array(z.number().int()).min(1),
  timestamp: z.string(),
  trace_id: z.string(),
  correlation_id: z.string(),
  error_uri: z.string().url().optional(),
});
