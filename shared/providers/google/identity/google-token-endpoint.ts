// google-auth-library's OAuth2Client, pointed at configured endpoints and made to fit the token
// manager (core/tokens/refreshing-token-manager.ts), which owns single-flight, backoff and storage:
// - no retries inside the library (its RETRY_CONFIG retries every POST, code exchanges included, and
//   a code is single-use); the manager retries refreshes with its own backoff;
// - one timeout per request;
// - no credentials kept on the client: every call names its refresh token, so one client serves
//   every source; `refreshTokenNoCache` is the library's own refresh request, without the per-token
//   promise cache (the manager already single-flights) and without the public refreshAccessToken's
//   copying of the old refresh token into the answer (we must see whether a new one came).
import { OAuth2Client, type Credentials } from 'google-auth-library';

export interface GoogleEndpointSettings {
  clientId: string;
  clientSecret: string;
  /** https://accounts.google.com/o/oauth2/v2/auth in production. */
  authorizeUrl: string;
  /** https://oauth2.googleapis.com/token in production. */
  tokenUrl: string;
  /** https://oauth2.googleapis.com/revoke in production. */
  revokeUrl: string;
  timeoutMs: number;
  /** Tests only: gaxios's fetch implementation. */
  fetch?: typeof fetch;
}

export class GoogleTokenEndpoint extends OAuth2Client {
  constructor(settings: GoogleEndpointSettings) {
    super({
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      endpoints: {
        oauth2AuthBaseUrl: settings.authorizeUrl,
        oauth2TokenUrl: settings.tokenUrl,
        oauth2RevokeUrl: settings.revokeUrl,
      },
      transporterOptions: {
        timeout: settings.timeoutMs,
        ...(settings.fetch ? { fetchImplementation: settings.fetch } : {}),
      },
    });
    // Request interceptors run after the library merged its per-request RETRY_CONFIG in.
    this.transporter.interceptors.request.add({
      resolved: (config) => {
        config.retry = false;
        delete config.retryConfig;
        return Promise.resolve(config);
      },
    });
  }

  /** One refresh_token grant request; throws the library's error on failure. */
  async refreshWith(refreshToken: string): Promise<Credentials> {
    return (await this.refreshTokenNoCache(refreshToken)).tokens;
  }
}
