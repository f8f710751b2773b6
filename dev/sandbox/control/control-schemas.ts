// The control API's wire format (/_sandbox/), shared by its routes (parsing requests) and the
// typed client (parsing responses). Content travels base64-encoded inside JSON.
import { z } from 'zod';
import { faultSpecSchema } from '../http/fault-injector.js';
import { sandboxSettingsPatchSchema, sandboxSettingsSchema } from '../state/sandbox-settings.js';

export { faultSpecSchema, sandboxSettingsPatchSchema, sandboxSettingsSchema };

export const createUserSchema = z
  .object({ id: z.string().min(1).optional(), displayName: z.string().min(1).optional() })
  .strict();
export const userSchema = z.object({ id: z.string(), displayName: z.string(), userPrincipalName: z.string() });

export const createSiteSchema = z.object({ displayName: z.string().min(1).optional() }).strict();
export const siteCreatedSchema = z.object({ siteId: z.string() });

export const createDriveSchema = z
  .object({
    driveType: z.enum(['personal', 'business']),
    ownerUserId: z.string().optional(),
    siteId: z.string().optional(),
    name: z.string().optional(),
  })
  .strict();
export const driveCreatedSchema = z.object({ driveId: z.string(), rootId: z.string() });
export const driveInfoSchema = z.object({
  driveId: z.string(),
  rootId: z.string(),
  driveType: z.enum(['personal', 'business']),
  name: z.string(),
  ownerUserId: z.string().nullable(),
  siteId: z.string().nullable(),
});
export type DriveInfo = z.infer<typeof driveInfoSchema>;

/** An app registration as the control API shows it (never its secret). */
export const appRegistrationSchema = z.object({
  clientId: z.string(),
  displayName: z.string(),
  confidential: z.boolean(),
  redirectUris: z.array(z.string()),
});
export type AppRegistration = z.infer<typeof appRegistrationSchema>;
export const setRedirectUrisSchema = z.object({ redirectUris: z.array(z.url()).max(256) }).strict();

export const createItemSchema = z
  .object({
    parentId: z.string().min(1),
    name: z.string().min(1),
    kind: z.enum(['file', 'folder']),
    contentBase64: z.string().optional(),
    /** Instead of contentBase64: this many bytes of a repeating pattern, made in the sandbox (benchmarks). */
    generatedBytes: z.number().int().positive().max(1_073_741_824).optional(),
    mimeType: z.string().optional(),
  })
  .strict()
  .refine((input) => input.contentBase64 === undefined || input.generatedBytes === undefined, {
    message: 'give contentBase64 or generatedBytes, not both',
  });

/** Exactly one change per PATCH: new content, a new name, or a new parent. */
export const updateItemSchema = z.union([
  z.object({ contentBase64: z.string() }).strict(),
  z.object({ name: z.string().min(1) }).strict(),
  z.object({ parentId: z.string().min(1) }).strict(),
]);

export const itemSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  isFolder: z.boolean(),
  size: z.number(),
  eTag: z.string(),
  cTag: z.string(),
  quickXorHash: z.string().nullable(),
});
export type ItemSummary = z.infer<typeof itemSummarySchema>;

export const generateItemsSchema = z
  .object({
    parentId: z.string().min(1),
    count: z.number().int().min(1).max(1_000_000),
    foldersEvery: z.number().int().min(1).optional(),
    fileSizeBytes: z.number().int().min(0).max(1_000_000).optional(),
    namePrefix: z.string().min(1).optional(),
  })
  .strict();
export const generatedSchema = z.object({ created: z.number(), folderIds: z.array(z.string()) });

export const advanceClockSchema = z.object({ ms: z.number().min(0) }).strict();
export const clockSchema = z.object({ now: z.number() });

export const expireDeltaTokensSchema = z.object({ driveId: z.string().optional() }).strict();

export const issueRefreshTokenSchema = z
  .object({ userId: z.string().min(1), scopes: z.array(z.string().min(1)).min(1), clientId: z.string().optional() })
  .strict();
export const issuedRefreshTokenSchema = z.object({ refreshToken: z.string() });

/** `revokeAccessTokens`: the user's access tokens stop working now too (continuous access evaluation). */
export const revokeGrantSchema = z
  .object({ userId: z.string().min(1), revokeAccessTokens: z.boolean().optional() })
  .strict();
export const revokedSchema = z.object({ revoked: z.number(), accessTokensRevoked: z.number() });

export const requestLogEntrySchema = z.object({
  method: z.string(),
  path: z.string(),
  status: z.number(),
  ru: z.number(),
  userId: z.string().nullable(),
  time: z.number(),
});
export type RequestLogEntryDto = z.infer<typeof requestLogEntrySchema>;

export const tokenLogEntrySchema = z.object({
  time: z.number(),
  grantType: z.string(),
  clientId: z.string(),
  userId: z.string().nullable(),
  presentedRefreshTokenId: z.string().nullable(),
  issuedRefreshTokenId: z.string().nullable(),
  outcome: z.string(),
});
export type TokenLogEntryDto = z.infer<typeof tokenLogEntrySchema>;

export const tenantInfoSchema = z.object({
  tenantId: z.string(),
  clientId: z.string(),
  publicClientId: z.string(),
  defaultUserId: z.string(),
  defaultDriveId: z.string(),
  /** The default drive's root item: the parentId for items created at its top level. */
  defaultDriveRootId: z.string(),
});
export type TenantInfo = z.infer<typeof tenantInfoSchema>;
