// The identity platform's state as JSON for a persisted sandbox (`npm start`): app registrations
// (with the client secret the banner printed), grants, refresh and access tokens and open codes, so
// grants stored by the app before a restart keep working after it. The token log is not kept.
import { z } from 'zod';

const clientSchema = z.object({
  clientId: z.string(),
  clientSecret: z.string().nullable(),
  displayName: z.string(),
  redirectUris: z.array(z.string()),
});
const grantSchema = z.object({
  id: z.string(),
  userId: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  revoked: z.boolean(),
});
const refreshTokenSchema = z.object({
  id: z.string(),
  grantId: z.string(),
  issuedAt: z.number(),
  expiresAt: z.number(),
});
const accessTokenSchema = z.object({
  userId: z.string().nullable(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.number(),
  // Snapshots written before access tokens could be revoked have no flag: not revoked.
  revoked: z.boolean().default(false),
});
const codeSchema = z.object({
  grantId: z.string(),
  redirectUri: z.string(),
  codeChallenge: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.number(),
  redeemed: z.boolean(),
});

export const identitySnapshotSchema = z.object({
  clients: z.array(clientSchema),
  grants: z.array(grantSchema),
  refreshTokens: z.array(z.tuple([z.string(), refreshTokenSchema])),
  accessTokens: z.array(z.tuple([z.string(), accessTokenSchema])),
  codes: z.array(z.tuple([z.string(), codeSchema])),
  nextRefreshTokenNumber: z.number().int().min(1),
});
export type IdentitySnapshot = z.infer<typeof identitySnapshotSchema>;
