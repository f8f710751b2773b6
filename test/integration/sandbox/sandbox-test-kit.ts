// Helpers for the sandbox's HTTP tests: tokens from the sandbox's own token endpoint, Graph GETs
// over real HTTPS, and delta enumeration to the deltaLink. Responses are parsed with schemas
// written for these tests (graph-test-schemas.ts), not with the app's client code.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type Sandbox } from '../../../dev/sandbox/sandbox.js';
import type { SandboxSettingsPatch } from '../../../dev/sandbox/state/sandbox-settings.js';
import { deltaPageSchema, tokenSuccessSchema, type DeltaPageBody, type DriveItemBody } from './graph-test-schemas.js';

/** Quirks off unless a test turns them on, so each test controls exactly what it checks. */
export const PLAIN_SETTINGS: SandboxSettingsPatch = { pageSizeJitter: 0, duplicateRate: 0, childFirst: 0 };

export function startTestSandbox(settings: SandboxSettingsPatch = {}): Promise<Sandbox> {
  return startSandbox({ seed: 7, settings: { ...PLAIN_SETTINGS, ...settings } });
}

export interface SandboxFixture {
  sandbox: Sandbox;
  /** A delegated access token of the default user, fresh for each test. */
  token: string;
}

/**
 * Registers the hooks most sandbox test files share: one sandbox for the file, reset before each
 * test (which also restores the plain start-up settings) and a fresh user token. Read the fields
 * inside tests or hooks, not at collection time.
 */
export function useResetSandbox(): SandboxFixture {
  const fixture = {} as SandboxFixture;
  beforeAll(async () => {
    fixture.sandbox = await startTestSandbox();
  });
  afterAll(() => fixture.sandbox.stop());
  beforeEach(async () => {
    await fixture.sandbox.control.reset();
    fixture.token = await userAccessToken(fixture.sandbox);
  });
  return fixture;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export async function request(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

export function graphGet(url: string, accessToken: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return request(url, { headers: { authorization: `Bearer ${accessToken}`, ...headers } });
}

export function tokenUrl(sandbox: Sandbox): string {
  return `${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/token`;
}

export function postToken(sandbox: Sandbox, form: Record<string, string>): Promise<HttpResult> {
  return request(tokenUrl(sandbox), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

/** Redeems a refresh token with the confidential client; returns the parsed success body. */
export async function refresh(
  sandbox: Sandbox,
  refreshToken: string,
): Promise<ReturnType<typeof tokenSuccessSchema.parse>> {
  const result = await postToken(sandbox, {
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
  if (result.status !== 200) throw new Error(`refresh failed: ${result.status} ${result.text}`);
  return tokenSuccessSchema.parse(result.body);
}

/** A delegated access token for the user (default: the sandbox's default user). */
export async function userAccessToken(
  sandbox: Sandbox,
  userId = sandbox.defaultUserId,
  scopes = ['Files.Read.All'],
): Promise<string> {
  const { refreshToken } = await sandbox.control.issueRefreshToken({ userId, scopes });
  return (await refresh(sandbox, refreshToken)).access_token;
}

export async function appAccessToken(sandbox: Sandbox): Promise<string> {
  const result = await postToken(sandbox, {
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    grant_type: 'client_credentials',
    scope: 'https://graph.microsoft.com/.default',
  });
  return tokenSuccessSchema.parse(result.body).access_token;
}

export interface Enumeration {
  pages: DeltaPageBody[];
  /** Every item in arrival order (duplicates kept). */
  items: DriveItemBody[];
  /** Last occurrence per id, as clients must apply it. */
  latest: Map<string, DriveItemBody>;
  deltaLink: string;
}

/** Follows nextLinks to the deltaLink (bounded: at most maxPages requests). */
export async function enumerateDelta(startUrl: string, accessToken: string, maxPages = 2000): Promise<Enumeration> {
  const pages: DeltaPageBody[] = [];
  let url: string | undefined = startUrl;
  for (let i = 0; i < maxPages && url; i++) {
    const result = await graphGet(url, accessToken);
    if (result.status !== 200) throw new Error(`delta page ${i} answered ${result.status}: ${result.text}`);
    const page = deltaPageSchema.parse(result.body);
    pages.push(page);
    if (page['@odata.deltaLink']) {
      const items = pages.flatMap((p) => p.value);
      return {
        pages,
        items,
        latest: new Map(items.map((item) => [item.id, item])),
        deltaLink: page['@odata.deltaLink'],
      };
    }
    url = page['@odata.nextLink'];
  }
  throw new Error('delta enumeration did not end within the page bound');
}
