// The Microsoft identity platform (Entra ID, v2.0 endpoints) as the OAuthClient of the Microsoft
// source types: authorize URL, code exchange, refresh, client credentials (app-only), error
// classification (AADSTS codes), rotation and the 90-day inactivity rule (docs/graph-behaviour.md §6).
// A grant's provider part is its tenant: the tenant whose token endpoint serves it.
import { z } from 'zod';
import type {
  AppOnlyAccess,
  AuthorizationCode,
  AuthorizeRequest,
  InactivityRule,
  NewGrant,
  OAuthClient,
  ProviderGrantFields,
  RefreshRequest,
  TokenOutcome,
} from '../../../core/ports/oauth-client.js';
import { authorizeUrl } from './authorize-url.js';
import type { ClientCredential } from './client-credential.js';
import { codeExchange, type CodeExchange } from './code-exchange.js';
import { requestTokens, tokenEndpointUrl, type TokenRequestOutcome } from './token-endpoint.js';

export interface MicrosoftOAuthSettings {
  authorityHost: string;
  clientId: string;
  /** Undefined: a public client (no secret or assertion is sent). */
  clientCredential: ClientCredential | undefined;
  /** Tenant of /authorize, of the code exchange, and of grants that name none (MS_TENANT_ID, else "organizations"). */
  defaultTenantId: string;
  /** Scopes the connect flow asks for (space-separated, CONNECT_SCOPES). */
  connectScopes: string;
  /** Scope of app-only requests, e.g. "https://graph.microsoft.com/.default". */
  appOnlyScope: string;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** Entra ends a refresh token after 90 days without use (AADSTS700082). */
export const ENTRA_REFRESH_TOKEN_MAX_IDLE_MS = 90 * 86_400_000;

/** Tenants that only exist for interactive multi-tenant sign-in; client credentials need a real one. */
const META_TENANTS = new Set(['common', 'organizations', 'consumers']);

const tenantInputSchema = z.object({ tenantId: z.string().min(1).optional() });
const grantFieldsSchema = z.object({ tenantId: z.string().min(1) });

export class MicrosoftOAuthClient implements OAuthClient {
  /** Entra returns a new refresh token with every refresh; the old one stays valid until it expires. */
  readonly name = 'microsoft';
  readonly refreshTokensRotate = true;
  readonly inactivity: InactivityRule = { maxIdleMs: ENTRA_REFRESH_TOKEN_MAX_IDLE_MS };
  readonly grantFields: z.ZodType<ProviderGrantFields> = grantFieldsSchema;
  readonly appOnly: AppOnlyAccess;
  private readonly exchange: CodeExchange;
  private readonly timeoutMs: number;

  constructor(private readonly settings: MicrosoftOAuthSettings) {
    this.timeoutMs = settings.requestTimeoutMs ?? 10_000;
    this.exchange = codeExchange({
      authorityHost: settings.authorityHost,
      tenantId: settings.defaultTenantId,
      clientId: settings.clientId,
      clientCredential: settings.clientCredential,
      scopes: settings.connectScopes,
      timeoutMs: this.timeoutMs,
      fetch: settings.fetch,
    });
    this.appOnly = {
      newGrant: (input) => this.newAppOnlyGrant(input),
      requestToken: ({ scopes, fields }) =>
        this.tokenRequest(fields, { grant_type: 'client_credentials', scope: scopes.join(' ') }),
    };
  }

  authorizeUrl(request: AuthorizeRequest): string {
    return authorizeUrl({
      authorityHost: this.settings.authorityHost,
      tenantId: this.settings.defaultTenantId,
      clientId: this.settings.clientId,
      redirectUri: request.redirectUri,
      scopes: this.settings.connectScopes,
      state: request.state,
      codeChallenge: request.codeChallenge,
    });
  }

  async exchangeCode(code: AuthorizationCode): Promise<TokenOutcome> {
    return issued(await this.exchange(code));
  }

  refresh({ refreshToken, scopes, fields }: RefreshRequest): Promise<TokenOutcome> {
    const scope = scopes.join(' ');
    // "scope" is optional on refresh (a subset of the granted scopes); omitted when none were recorded.
    return this.tokenRequest(fields, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      ...(scope ? { scope } : {}),
    });
  }

  newDelegatedGrant(input: ProviderGrantFields): NewGrant {
    const { tenantId } = tenantInputSchema.parse(input);
    return { fields: { tenantId: tenantId ?? this.settings.defaultTenantId } };
  }

  private newAppOnlyGrant(input: ProviderGrantFields): NewGrant {
    const tenantId = tenantInputSchema.parse(input).tenantId ?? this.settings.defaultTenantId;
    if (META_TENANTS.has(tenantId.toLowerCase())) {
      throw new Error('app-only access needs a tenant id (the grant\'s tenantId or MS_TENANT_ID), not "common"');
    }
    if (!this.settings.clientCredential) {
      throw new Error('app-only access needs a client credential (a secret, a certificate or a federated identity)');
    }
    return { scopes: [this.settings.appOnlyScope], fields: { tenantId } };
  }

  private async tokenRequest(fields: ProviderGrantFields, grant: Record<string, string>): Promise<TokenOutcome> {
    const url = tokenEndpointUrl(this.settings.authorityHost, grantFieldsSchema.parse(fields).tenantId);
    // The credential fields are built per request: a client assertion is single-use (its jti).
    const form = {
      client_id: this.settings.clientId,
      ...grant,
      ...(await this.settings.clientCredential?.formFields(url)),
    };
    return issued(await requestTokens(url, form, { timeoutMs: this.timeoutMs, fetch: this.settings.fetch }));
  }
}

function issued(outcome: TokenRequestOutcome): TokenOutcome {
  if (outcome.kind !== 'tokens') return outcome;
  const { access_token, expires_in, refresh_token } = outcome.tokens;
  return {
    kind: 'tokens',
    tokens: {
      accessToken: access_token,
      expiresInSeconds: expires_in,
      ...(refresh_token === undefined ? {} : { refreshToken: refresh_token }),
    },
  };
}
