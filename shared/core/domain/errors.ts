// Errors as small classes with a marker, so callers branch on kind, never on message text.

export class CursorExpiredError extends Error {
  readonly kind = 'cursor-expired' as const;
  constructor(readonly restartCursor: string | undefined) {
    super('the change cursor expired; a full resync is required');
    this.name = 'CursorExpiredError';
  }
}

/** The grant is permanently invalid (invalid_grant, interaction_required, …): the user must reconnect. */
export class ReauthRequiredError extends Error {
  readonly kind = 'reauth-required' as const;
  constructor(readonly reason: string) {
    super(`re-authorization required: ${reason}`);
    this.name = 'ReauthRequiredError';
  }
}

/** The source itself is unusable (location gone, access denied): retrying will not help. */
export class PermanentSourceError extends Error {
  readonly kind = 'permanent-source' as const;
  constructor(
    readonly reason: string,
    readonly status?: number,
  ) {
    super(reason);
    this.name = 'PermanentSourceError';
  }
}

export class NotFoundError extends Error {
  readonly kind = 'not-found' as const;
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** Worth retrying later (5xx, throttling past the client's own retries, resets). */
export class TransientError extends Error {
  readonly kind = 'transient' as const;
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

/**
 * The provider has the item but cannot deliver its content as asked (an export over the provider's
 * size limit, a type that has no bytes): a clear answer for the host, not a broken stream.
 */
export class ContentUnavailableError extends Error {
  readonly kind = 'content-unavailable' as const;
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ContentUnavailableError';
  }
}
