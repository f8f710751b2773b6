// Google's OAuth 2.0 for web server applications as the OAuthClient of the google_drive source type
// (https://developers.google.com/identity/protocols/oauth2/web-server), through google-auth-library:
// - authorize: code flow with PKCE S256, access_type=offline (a refresh token) and prompt=consent (a
//   refresh token again on reconnect: Google sends one only at consent);
// - code exchange (single-use, no retry) and refresh; Google's refresh answers carry no new refresh
//   token, so refresh tokens do not rotate;
// - inactivity: a refresh token unused for six months stops working
//   (https://developers.google.com/identity/protocols/oauth2#expiration);
// - revoke at https://oauth2.googleapis.com/revoke
//   (https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke).
// No app-only access: Google's equivalent is a service account (with domain-wide delegation), which
// is out of scope; a google_drive source is always a user's delegated grant.
import { z } from 'zod';
import { CodeChallengeMethod, type Credentials } from 'google-auth-library';
import type {
  AuthorizationCode,
  AuthorizeRequest,
  InactivityRule,
  NewGrant,
  OAuthClient,
  OAuthFailure,
  ProviderGrantFields,
  RefreshRequest,
  TokenOutcome,
} from '../../../core/ports/oauth-client.js';
import { failedAnswerOf } from './gaxios-failure.js';
import { classifyGoogleTokenFailure } from './google-token-failure.js';
import { GoogleTokenEndpoint, type GoogleEndpointSettings } from './google-token-endpoint.js';

export const GOOGLE_OAUTH_CLIENT_NAME = 'google';

/** Google's production endpoints (web-server guide, "Step 1" and "Step 5", and the revoke section). */
export const GOOGLE_OAUTH_ENDPOINTS = {
  authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
} as const;

/** Read-only access to all of the user's Drive files (https://developers.google.com/drive/api/guides/api-specific-auth). */
export const DRIVE_READONLY_SCOPE = 'https://www.googleapis.com/auth/drive.readonly';

/**
 * "The refresh token has not been used for six months": the shortest six months is 181 days, so 180
 * days is never later than Google's limit.
 */
export const GOOGLE_REFRESH_TOKEN_MAX_IDLE_MS = 180 * 86_400_000;

export interface GoogleOAuthSettings extends Omit<GoogleEndpointSettings, 'timeoutMs'> {
  /** Scopes the connect flow asks for, space-separated (GOOGLE_CONNECT_SCOPES). */
  connectScopes: string;
  requestTimeoutMs?: number;
}

/**
 * The library's answer after its own processing: `expires_in` became `expiry_date` (epoch ms,
 * measured from when the answer arrived).
 */
const issuedSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expiry_date: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** A Google grant has no fields beyond the neutral ones; a Microsoft field (tenantId) is refused. */
const grantFieldsSchema = z.strictObject({});

/** Google's revoke endpoint says a token is already invalid with this error (and status 400). */
const revokeErrorSchema = z.object({ error: z.literal('invalid_token') });

export class GoogleOAuthClient implements OAuthClient {
  readonly name = GOOGLE_OAUTH_CLIENT_NAME;
  readonly refreshTokensRotate = false;
  readonly inactivity: InactivityRule = { maxIdleMs: GOOGLE_REFRESH_TOKEN_MAX_IDLE_MS };
  readonly grantFields: z.ZodType<ProviderGrantFields> = grantFieldsSchema;
  private readonly endpoint: GoogleTokenEndpoint;
  private readonly scopes: string[];

  constructor(settings: GoogleOAuthSettings) {
    this.endpoint = new GoogleTokenEndpoint({ ...settings, timeoutMs: settings.requestTimeoutMs ?? 10_000 });
    this.scopes = settings.connectScopes.split(/\s+/).filter(Boolean);
  }

  authorizeUrl(request: AuthorizeRequest): string {
    return this.endpoint.generateAuthUrl({
      redirect_uri: request.redirectUri,
      scope: this.scopes,
      state: request.state,
      access_type: 'offline',
      prompt: 'consent',
      code_challenge: request.codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
    });
  }

  async exchangeCode({ code, redirectUri, codeVerifier }: AuthorizationCode): Promise<TokenOutcome> {
    try {
      const { tokens } = await this.endpoint.getToken({ code, codeVerifier, redirect_uri: redirectUri });
      return issued(tokens);
    } catch (error) {
      return failed(error);
    }
  }

  async refresh({ refreshToken }: RefreshRequest): Promise<TokenOutcome> {
    // Google's refresh takes no scope: the grant's scopes come with the token.
    try {
      return issued(await this.endpoint.refreshWith(refreshToken));
    } catch (error) {
      return failed(error);
    }
  }

  async revoke(refreshToken: string): Promise<{ kind: 'revoked' } | Extract<OAuthFailure, { kind: 'transient' }>> {
    try {
      await this.endpoint.revokeToken(refreshToken);
      return { kind: 'revoked' };
    } catch (error) {
      const answer = failedAnswerOf(error);
      // Already revoked or expired: what revoking wanted.
      if (answer.status === 400 && revokeErrorSchema.safeParse(answer.body).success) return { kind: 'revoked' };
      const classified = classifyGoogleTokenFailure(answer);
      return classified.kind === 'transient'
        ? classified
        : {
            kind: 'transient',
            reason: `the Google revoke endpoint refused (${classified.error})`,
            retryAfterMs: undefined,
          };
    }
  }

  newDelegatedGrant(input: ProviderGrantFields): NewGrant {
    grantFieldsSchema.parse(input);
    // The connect scopes are recorded for the status and for people; Google's refresh does not send them.
    return { fields: {}, scopes: this.scopes };
  }
}

function issued(tokens: Credentials): TokenOutcome {
  const parsed = issuedSchema.safeParse(tokens);
  if (!parsed.success) {
    return {
      kind: 'transient',
      reason: 'the Google token endpoint answered 200 with an unexpected body',
      retryAfterMs: undefined,
    };
  }
  const { access_token, expiry_date, refresh_token } = parsed.data;
  return {
    kind: 'tokens',
    tokens: {
      accessToken: access_token,
      expiresInSeconds: Math.max(1, Math.floor((expiry_date - Date.now()) / 1000)),
      ...(refresh_token === undefined ? {} : { refreshToken: refresh_token }),
    },
  };
}

function failed(error: unknown): OAuthFailure {
  return classifyGoogleTokenFailure(failedAnswerOf(error));
}
