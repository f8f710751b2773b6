// The knobs that make the sandbox realistic (and unpleasant) by default; tests turn them off or up
// through the control API. Defaults are the strict readings of docs/graph-behaviour.md.
import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;

export const sandboxSettingsSchema = z.object({
  /** Default delta page size when the client sends no $top. */
  defaultPageSize: z.number().int().min(1).max(5000),
  /** $top is a hint (docs/graph-behaviour.md §1): page size = $top × (1 ± jitter), at least 1. */
  pageSizeJitter: z.number().min(0).max(1),
  /** Probability that an item appears a second time later in the same enumeration (§1: "use the last occurrence"). */
  duplicateRate: z.number().min(0).max(1),
  /** Probability that a run of items is served children-before-parents (§1: order is not guaranteed). */
  childFirst: z.number().min(0).max(1),
  /**
   * Age after which a delta token answers 410. Graph documents no fixed lifetime (UNCONFIRMED);
   * 30 days is the sandbox's choice, shorter than what clients might hope for.
   */
  deltaTokenMaxAgeMs: z.number().int().min(1),
  /** Lifetime of pre-authenticated download URLs ("minutes to 1 hour", §1). */
  downloadUrlLifetimeMs: z.number().int().min(1),
  /** Access tokens live 60–90 minutes (§6); each issued token gets a lifetime in this range. */
  accessTokenMinLifetimeSeconds: z.number().int().min(1),
  accessTokenMaxLifetimeSeconds: z.number().int().min(1),
  /** Refresh tokens: 90-day sliding inactivity window (§6). */
  refreshTokenInactivityMs: z.number().int().min(1),
  /** Per user: 3,000 requests per 5 minutes (§5). */
  userRequestLimit: z.number().int().min(1),
  userRequestWindowMs: z.number().int().min(1),
  /** Per app per tenant resource units per minute: the smallest documented tier (§5). */
  appResourceUnitsPerMinute: z.number().int().min(1),
  /** The user the authorize endpoint signs in and auto-consents for; deny makes it refuse consent. */
  authorizeUserId: z.string().optional(),
  authorizeDeny: z.boolean(),
  /**
   * 'browser' (default): a request that accepts text/html (a browser) gets the sign-in and consent
   * page; anything else the instant answer. 'never': always the instant answer.
   */
  authorizePrompt: z.enum(['browser', 'never']),
});

export type SandboxSettings = z.infer<typeof sandboxSettingsSchema>;

export const sandboxSettingsPatchSchema = sandboxSettingsSchema.partial().strict();
export type SandboxSettingsPatch = z.infer<typeof sandboxSettingsPatchSchema>;

export function defaultSandboxSettings(): SandboxSettings {
  return {
    defaultPageSize: 200,
    pageSizeJitter: 0.3,
    duplicateRate: 0.02,
    childFirst: 0.2,
    deltaTokenMaxAgeMs: 30 * DAY_MS,
    downloadUrlLifetimeMs: 60 * 60 * 1000,
    accessTokenMinLifetimeSeconds: 3600,
    accessTokenMaxLifetimeSeconds: 5400,
    refreshTokenInactivityMs: 90 * DAY_MS,
    userRequestLimit: 3000,
    userRequestWindowMs: 5 * 60 * 1000,
    appResourceUnitsPerMinute: 1250,
    authorizeDeny: false,
    authorizePrompt: 'browser',
  };
}
