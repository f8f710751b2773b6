// One zod schema over the environment: `settingsSchema` reads the settings by their names (the names
// infra and docs use), `configSchema` nests them by concern and provider, and `Config` is its output
// type. Every problem is reported at once, by setting name, and a setting's value is never echoed
// (several of them are secrets).
import { z } from 'zod';

const DEV_STORAGE = 'UseDevelopmentStorage=true';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = optionalString.pipe(z.url().optional());

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const ratio = (fallback: number) => z.coerce.number().gt(0).lte(1).default(fallback);

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export const settingsSchema = z.object({
  AzureWebJobsStorage: optionalString,
  AzureWebJobsStorage__queueServiceUri: optionalUrl,
  AzureWebJobsStorage__tableServiceUri: optionalUrl,
  AzureWebJobsStorage__clientId: optionalString,
  GRAPH_BASE_URL: z.url().default('https://graph.microsoft.com/v1.0').transform(trimSlash),
  AUTHORITY_HOST: z.url().default('https://login.microsoftonline.com').transform(trimSlash),
  MS_TENANT_ID: optionalString,
  MS_CLIENT_ID: optionalString,
  MS_CLIENT_SECRET: optionalString,
  PUBLIC_BASE_URL: optionalUrl.transform((value) => (value ? trimSlash(value) : undefined)),
  KEY_VAULT_URL: optionalUrl,
  /** Comma-separated `keyId:base64(32 bytes)` pairs for the local token store; the first encrypts. */
  LOCAL_TOKEN_KEYS: optionalString,
  NOTIFICATION_DEBOUNCE_MS: integer(2_000, 0, 60_000),
  MAINTENANCE_SCHEDULE: z.string().trim().default('0 */5 * * * *'),
  DEFAULT_POLL_INTERVAL_SECONDS: integer(900, 30, 86_400),
  SYNC_LEASE_SECONDS: integer(60, 15, 600),
  /** Sync runs kept per source in its history (GET …/runs). */
  SYNC_HISTORY_RUNS: integer(50, 1, 1_000),
  /** Credential audit rows older than this are deleted as new ones are written. */
  AUDIT_RETENTION_DAYS: integer(365, 1, 3_650),
  MASS_DELETE_RATIO: ratio(0.5),
  MASS_DELETE_MIN_ITEMS: integer(100, 1, 1_000_000),
  /** PEM file holding the app registration's certificate and private key (secretless client auth). */
  MS_CLIENT_CERTIFICATE_PATH: optionalString,
  /** Client id of a user-assigned managed identity whose token is the app's federated client assertion. */
  MS_FEDERATED_IDENTITY_CLIENT_ID: optionalString,
  /** Purge a source's secret after deleting it (needs the purge permission; off: soft-delete only). */
  KEY_VAULT_PURGE_ON_DELETE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** An access token is reused until this many seconds before it expires. */
  TOKEN_REFRESH_MARGIN_SECONDS: integer(300, 0, 3_000),
  /** A steady stream of notifications delays a source's sync by at most this much (trailing debounce cap). */
  NOTIFICATION_MAX_WAIT_MS: integer(10_000, 0, 600_000),
  /** Largest webhook body accepted before answering 413 (Graph batches are far smaller). */
  WEBHOOK_MAX_BODY_BYTES: integer(1_048_576, 1_024, 104_857_600),
  /** A subscription is renewed once less than this much of its lifetime is left. */
  SUBSCRIPTION_RENEW_BEFORE_MINUTES: integer(4_320, 1, 42_000),
  /** How often maintenance renews a live subscription anyway, which also detects silent removal (404). */
  SUBSCRIPTION_CHECK_INTERVAL_MINUTES: integer(360, 0, 42_000),
  /** Webhook sources get one delta at least this often, in case notifications were lost. */
  SAFETY_NET_INTERVAL_MINUTES: integer(1_440, 1, 43_200),
  /** A source whose token was not used for this long gets one refresh, so its grant never goes idle. */
  TOKEN_KEEP_ALIVE_DAYS: integer(30, 1, 89),
  /** HMAC key of the connect flow's signed `state` (32+ characters); unset: the connect routes answer 503. */
  CONNECT_STATE_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  /** Comma-separated origins (scheme://host[:port]) the connect flow may send the browser back to. */
  CONNECT_RETURN_TO_ALLOWLIST: optionalString,
  /** How long a connect flow may take from /connect/start to the callback. */
  CONNECT_STATE_TTL_SECONDS: integer(600, 1, 3_600),
  /** Delegated scopes the connect flow asks for; offline_access is what yields a refresh token. */
  CONNECT_SCOPES: z.string().trim().min(1).default('offline_access Files.Read.All'),
  /** Delegated scopes the connect flow asks for an Outlook mail source (least privilege: mail only). */
  MAIL_CONNECT_SCOPES: z.string().trim().min(1).default('offline_access User.Read Mail.Read'),
  /**
   * Lifetime asked for an Outlook message subscription; Graph's current maximum is 10,080 minutes
   * (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime).
   */
  MAIL_WATCH_MAX_LIFETIME_MINUTES: integer(10_080, 60, 10_080),
  /**
   * Requests in flight per mailbox from one instance; Outlook allows 4 per app and mailbox
   * (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
   */
  MAIL_MAX_CONCURRENT_PER_MAILBOX: integer(4, 1, 4),
  /** Delegated scopes the connect flow asks for a Teams source (channel messages and chats, read only). */
  TEAMS_CONNECT_SCOPES: z.string().trim().min(1).default('offline_access User.Read ChannelMessage.Read.All Chat.Read'),
  /**
   * Lifetime asked for a Teams message subscription; Graph's current maximum for chatMessage is 4,320
   * minutes (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime).
   */
  TEAMS_WATCH_MAX_LIFETIME_MINUTES: integer(4_320, 60, 4_320),
  /**
   * Least time between two message reads of one channel or chat from one instance; Teams allows about
   * one a second per app and tenant (https://learn.microsoft.com/graph/throttling-limits#microsoft-teams-service-limits).
   */
  TEAMS_MIN_INTERVAL_MS_PER_THREAD: integer(1_000, 0, 60_000),
  /** Teams subscriptions carry the encrypted message (includeResourceData); off: plain notifications. */
  TEAMS_RICH_NOTIFICATIONS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * The Key Vault certificate Graph encrypts rich notifications with (exportable, content type
   * application/x-pem-file). With KEY_VAULT_URL and without this, Teams notifications stay plain.
   */
  NOTIFICATION_CERTIFICATE_NAME: optionalString,
  /** OAuth client id of the Google Cloud project's web application client; unset: no Google Drive sources. */
  GOOGLE_CLIENT_ID: optionalString,
  /** That client's secret (a Key Vault reference in Azure). */
  GOOGLE_CLIENT_SECRET: optionalString,
  // Google's endpoints (https://developers.google.com/identity/protocols/oauth2/web-server); the sandbox's in tests.
  GOOGLE_OAUTH_AUTHORIZE_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_OAUTH_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_OAUTH_REVOKE_URL: z.url().default('https://oauth2.googleapis.com/revoke'),
  /** rootUrl of the Drive v3 client (@googleapis/drive appends drive/v3/...). */
  GOOGLE_DRIVE_ROOT_URL: z.url().default('https://www.googleapis.com/'),
  /** Scopes the Google connect flow asks for (space-separated). */
  GOOGLE_CONNECT_SCOPES: z.string().trim().min(1).default('https://www.googleapis.com/auth/drive.readonly'),
  /**
   * Lifetime asked for a Drive changes channel; Google caps changes.watch channels at one week
   * (https://developers.google.com/drive/api/guides/push, "expiration").
   */
  GOOGLE_WATCH_MAX_LIFETIME_HOURS: integer(168, 1, 168),
  /** A burst of feed appends within this long gives one push to the KB's hook (docs/api.md, "Push to the host"). */
  HOOK_DEBOUNCE_MS: integer(2_000, 0, 60_000),
  /** A push that got no full answer within this long failed (and is retried). */
  HOOK_TIMEOUT_MS: integer(10_000, 100, 60_000),
  /** Ceiling of the first retry's jittered delay; each failure doubles it, up to HOOK_RETRY_MAX_MS. */
  HOOK_RETRY_BASE_MS: integer(5_000, 100, 3_600_000),
  /** Longest wait before a retry, Retry-After included. */
  HOOK_RETRY_MAX_MS: integer(3_600_000, 1_000, 86_400_000),
  /** This many failed pushes in a row disable the hook (a PUT re-enables it). */
  HOOK_MAX_CONSECUTIVE_FAILURES: integer(10, 1, 1_000),
  /** Let hooks target private, CGNAT, link-local, unique-local and loopback addresses (a host in the same network). */
  HOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Open WebUI's base URL (e.g. https://chat.example.com): the connector routes answer 503 without it (docs/open-webui.md). */
  OPENWEBUI_BASE_URL: optionalUrl.transform((value) => (value ? trimSlash(value) : undefined)),
  /** A burst of feed appends within this long gives one connector run. */
  OPENWEBUI_DEBOUNCE_MS: integer(2_000, 0, 60_000),
  /** One Open WebUI request without a full answer by then failed (the run is retried). */
  OPENWEBUI_TIMEOUT_MS: integer(60_000, 1_000, 600_000),
  /** How long an uploaded file may stay in processing before the item fails as not_processed. */
  OPENWEBUI_PROCESSING_TIMEOUT_MS: integer(300_000, 1_000, 3_600_000),
  /** Items of one feed page applied at once. */
  OPENWEBUI_CONCURRENCY: integer(4, 1, 32),
  /** Feed events read per page (and applied before the cursor advances). */
  OPENWEBUI_PAGE_SIZE: integer(200, 1, 1_000),
  /** Items larger than this are recorded as too_large, never downloaded: the connector holds each upload in memory. */
  OPENWEBUI_MAX_FILE_BYTES: integer(100 * 1024 * 1024, 1, 1024 * 1024 * 1024),
});

/**
 * Checks that involve several settings, run on the raw values even when single settings failed,
 * so that every problem is reported at once (zod skips object refinements after field errors).
 */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (set('AzureWebJobsStorage__queueServiceUri') !== set('AzureWebJobsStorage__tableServiceUri')) {
    problems.push(
      'AzureWebJobsStorage__tableServiceUri: identity-based storage needs both AzureWebJobsStorage__queueServiceUri and __tableServiceUri',
    );
  }
  if (set('MS_CLIENT_SECRET') && !set('MS_CLIENT_ID'))
    problems.push('MS_CLIENT_ID: required when MS_CLIENT_SECRET is set');
  // A web application client always authenticates with its secret at Google's token endpoint.
  if (set('GOOGLE_CLIENT_SECRET') && !set('GOOGLE_CLIENT_ID'))
    problems.push('GOOGLE_CLIENT_ID: required when GOOGLE_CLIENT_SECRET is set');
  if (set('GOOGLE_CLIENT_ID') && !set('GOOGLE_CLIENT_SECRET'))
    problems.push('GOOGLE_CLIENT_SECRET: required when GOOGLE_CLIENT_ID is set (a web application client)');
  const publicBase = (env.PUBLIC_BASE_URL ?? '').trim();
  if (publicBase && URL.canParse(publicBase) && !publicBase.startsWith('https://') && !isLoopbackUrl(publicBase)) {
    problems.push('PUBLIC_BASE_URL: must be https (Graph only calls https)');
  }
  if (!splitList(env.CONNECT_RETURN_TO_ALLOWLIST).every((entry) => isOrigin(entry) || isLoopbackAnyPort(entry))) {
    problems.push(
      'CONNECT_RETURN_TO_ALLOWLIST: each entry must be an http(s) origin such as https://app.example.com (no path), or http://localhost:* (any port)',
    );
  }
  return problems;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** True for "https://host[:port]" with nothing after it (a trailing slash is tolerated). */
function isOrigin(entry: string): boolean {
  if (!URL.canParse(entry)) return false;
  const url = new URL(entry);
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    !entry.includes('?') &&
    !entry.includes('#')
  );
}

/** "http://localhost:*" (or 127.0.0.1, [::1]): any port of a loopback host, what `npm start` allows by default. */
function isLoopbackAnyPort(entry: string): boolean {
  return /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\]):\*\/?$/i.test(entry);
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

export type StorageSettings =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; queueServiceUri: string; tableServiceUri: string; clientId: string | undefined };

type Settings = z.output<typeof settingsSchema>;

function storageSettings(s: Settings): StorageSettings {
  return s.AzureWebJobsStorage__queueServiceUri && s.AzureWebJobsStorage__tableServiceUri
    ? {
        kind: 'identity',
        queueServiceUri: s.AzureWebJobsStorage__queueServiceUri,
        tableServiceUri: s.AzureWebJobsStorage__tableServiceUri,
        clientId: s.AzureWebJobsStorage__clientId,
      }
    : { kind: 'connectionString', connectionString: s.AzureWebJobsStorage ?? DEV_STORAGE };
}

/**
 * A local run: storage is the emulator (UseDevelopmentStorage=true, or Azurite's well-known
 * devstoreaccount1 account, which `npm start` and the tests use). Azure's storage is never that
 * account, so a deployment cannot be mistaken for a local run by a setting left behind.
 */
function isLocalRun(storage: StorageSettings): boolean {
  return (
    storage.kind === 'connectionString' &&
    (storage.connectionString === DEV_STORAGE ||
      /(^|;)\s*AccountName=devstoreaccount1\s*(;|$)/i.test(storage.connectionString))
  );
}

/** The settings nested by concern, and provider settings under `providers.<name>`. */
const nestSettings = (s: Settings) => ({
  storage: storageSettings(s),
  /** Running on the storage emulator (isLocalRun): loopback http is allowed where a deployment needs https. */
  localRun: isLocalRun(storageSettings(s)),
  /** The app's public https origin (webhook and connect callback URLs); unset: polling only. */
  publicBaseUrl: s.PUBLIC_BASE_URL,
  sync: {
    leaseSeconds: s.SYNC_LEASE_SECONDS,
    historyRuns: s.SYNC_HISTORY_RUNS,
    defaultPollIntervalSeconds: s.DEFAULT_POLL_INTERVAL_SECONDS,
    massDeleteRatio: s.MASS_DELETE_RATIO,
    massDeleteMinItems: s.MASS_DELETE_MIN_ITEMS,
  },
  notifications: {
    debounceMs: s.NOTIFICATION_DEBOUNCE_MS,
    maxWaitMs: s.NOTIFICATION_MAX_WAIT_MS,
    webhookMaxBodyBytes: s.WEBHOOK_MAX_BODY_BYTES,
  },
  watches: {
    renewBeforeMinutes: s.SUBSCRIPTION_RENEW_BEFORE_MINUTES,
    checkIntervalMinutes: s.SUBSCRIPTION_CHECK_INTERVAL_MINUTES,
  },
  audit: { retentionMs: s.AUDIT_RETENTION_DAYS * 86_400_000 },
  maintenance: {
    schedule: s.MAINTENANCE_SCHEDULE,
    safetyNetIntervalMinutes: s.SAFETY_NET_INTERVAL_MINUTES,
    tokenKeepAliveDays: s.TOKEN_KEEP_ALIVE_DAYS,
  },
  tokens: {
    keyVaultUrl: s.KEY_VAULT_URL,
    keyVaultPurgeOnDelete: s.KEY_VAULT_PURGE_ON_DELETE,
    localTokenKeys: s.LOCAL_TOKEN_KEYS,
    refreshMarginSeconds: s.TOKEN_REFRESH_MARGIN_SECONDS,
  },
  connect: {
    stateSecret: s.CONNECT_STATE_SECRET,
    /**
     * Normalised origins (URL.origin) returnTo may point at, or "http://localhost:*" for any port of a
     * loopback host; empty: the connect flow sends nobody back.
     */
    returnToAllowlist: splitList(s.CONNECT_RETURN_TO_ALLOWLIST).map((entry) =>
      isLoopbackAnyPort(entry) ? entry.replace(/\/$/, '').toLowerCase() : new URL(entry).origin,
    ),
    stateTtlSeconds: s.CONNECT_STATE_TTL_SECONDS,
  },
  hooks: {
    debounceMs: s.HOOK_DEBOUNCE_MS,
    timeoutMs: s.HOOK_TIMEOUT_MS,
    retryBaseMs: s.HOOK_RETRY_BASE_MS,
    retryMaxMs: s.HOOK_RETRY_MAX_MS,
    maxConsecutiveFailures: s.HOOK_MAX_CONSECUTIVE_FAILURES,
    allowPrivateTargets: s.HOOK_ALLOW_PRIVATE_TARGETS,
  },
  openWebUi: {
    baseUrl: s.OPENWEBUI_BASE_URL,
    debounceMs: s.OPENWEBUI_DEBOUNCE_MS,
    requestTimeoutMs: s.OPENWEBUI_TIMEOUT_MS,
    processingTimeoutMs: s.OPENWEBUI_PROCESSING_TIMEOUT_MS,
    concurrency: s.OPENWEBUI_CONCURRENCY,
    pageSize: s.OPENWEBUI_PAGE_SIZE,
    maxFileBytes: s.OPENWEBUI_MAX_FILE_BYTES,
  },
  providers: {
    microsoft: {
      graphBaseUrl: s.GRAPH_BASE_URL,
      authorityHost: s.AUTHORITY_HOST,
      tenantId: s.MS_TENANT_ID,
      clientId: s.MS_CLIENT_ID,
      clientSecret: s.MS_CLIENT_SECRET,
      clientCertificatePath: s.MS_CLIENT_CERTIFICATE_PATH,
      federatedIdentityClientId: s.MS_FEDERATED_IDENTITY_CLIENT_ID,
      connectScopes: s.CONNECT_SCOPES,
      mailConnectScopes: s.MAIL_CONNECT_SCOPES,
      mailWatchMaxLifetimeMinutes: s.MAIL_WATCH_MAX_LIFETIME_MINUTES,
      mailMaxConcurrentPerMailbox: s.MAIL_MAX_CONCURRENT_PER_MAILBOX,
      teamsConnectScopes: s.TEAMS_CONNECT_SCOPES,
      teamsWatchMaxLifetimeMinutes: s.TEAMS_WATCH_MAX_LIFETIME_MINUTES,
      teamsMinIntervalMsPerThread: s.TEAMS_MIN_INTERVAL_MS_PER_THREAD,
      teamsRichNotifications: s.TEAMS_RICH_NOTIFICATIONS,
      notificationCertificateName: s.NOTIFICATION_CERTIFICATE_NAME,
    },
    google: {
      clientId: s.GOOGLE_CLIENT_ID,
      clientSecret: s.GOOGLE_CLIENT_SECRET,
      authorizeUrl: s.GOOGLE_OAUTH_AUTHORIZE_URL,
      tokenUrl: s.GOOGLE_OAUTH_TOKEN_URL,
      revokeUrl: s.GOOGLE_OAUTH_REVOKE_URL,
      driveRootUrl: s.GOOGLE_DRIVE_ROOT_URL,
      connectScopes: s.GOOGLE_CONNECT_SCOPES,
      watchMaxLifetimeMs: s.GOOGLE_WATCH_MAX_LIFETIME_HOURS * 3_600_000,
    },
  },
});

export const configSchema = settingsSchema.transform(nestSettings);

export type Config = z.output<typeof configSchema>;
export type MicrosoftSettings = Config['providers']['microsoft'];
export type GoogleSettings = Config['providers']['google'];

/** Names of settings whose values are secrets: never logged, never echoed in errors. */
export const SECRET_SETTINGS = [
  'MS_CLIENT_SECRET',
  'LOCAL_TOKEN_KEYS',
  'AzureWebJobsStorage',
  'CONNECT_STATE_SECRET',
  'GOOGLE_CLIENT_SECRET',
] as const;

export class ConfigError extends Error {
  readonly isConfigError = true;
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Settings first, nesting after the cross-field checks: nesting assumes valid values.
  const parsed = settingsSchema.safeParse(env);
  const crossField = crossFieldProblems(env);
  if (!parsed.success || crossField.length > 0) {
    // zod issues carry the path and a message, never the input value (we do not enable reportInput).
    const fieldProblems = parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError([...fieldProblems, ...crossField]);
  }
  return nestSettings(parsed.data);
}

let cached: Config | undefined;

/** The process-wide config, loaded on first use. Tests reset it with `resetConfigForTests`. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

export function resetConfigForTests(): void {
  cached = undefined;
}
