// Push notification channels on the changes resource, as "Notifications for resource changes"
// (https://developers.google.com/workspace/drive/api/guides/push) describes them: a channel has our
// id, an address, an optional token echoed in X-Goog-Channel-Token, an expiration (at most one week
// for changes, https://developers.google.com/workspace/drive/api/guides/push#optional-properties), a
// `sync` message when it starts and `change` messages after, numbered per channel. Messages carry
// only headers. Channels cannot be renewed: stop one with channels.stop and create another.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { ChangeEntry, DriveModel } from './drive-model.js';
import { fail } from './google-errors.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_LIFETIME_MS = 60 * 60 * 1000;
/** "If your service … returns 500, 502, 503, or 504, the Drive API retries with exponential backoff." */
const RETRIED_STATUSES = new Set([500, 502, 503, 504, 429]);
const MAX_ATTEMPTS = 4;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

const channelRequestSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9\-_+/=]{1,64}$/),
  type: z.enum(['web_hook', 'webhook']),
  address: z.string().url(),
  token: z.string().max(256).optional(),
  expiration: z.union([z.string().regex(/^\d+$/), z.number().int()]).optional(),
  kind: z.literal('api#channel').optional(),
  params: z.record(z.string(), z.string()).optional(),
  payload: z.boolean().optional(),
});

const stopRequestSchema = z.object({ id: z.string().min(1), resourceId: z.string().min(1) }).loose();

export interface Channel {
  id: string;
  resourceId: string;
  resourceUri: string;
  address: string;
  token?: string;
  expirationMs: number;
  userId: string;
  driveId?: string;
  nextMessageNumber: number;
  pending?: NodeJS.Timeout;
  stopped: boolean;
}

export interface Delivery {
  channelId: string;
  messageNumber: number;
  state: 'sync' | 'change';
  /** The receiver's answer, or 0 when it could not be reached. */
  status: number;
  attempt: number;
}

export interface ChannelSettings {
  /** How long changes are gathered into one `change` message (real time). */
  coalesceMs: number;
  retryBaseMs: number;
}

export class ChannelHub {
  readonly live = new Map<string, Channel>();
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    model: DriveModel,
    private readonly clock: SandboxClock,
    private readonly baseUrl: () => string,
    private readonly settings: () => ChannelSettings,
  ) {
    model.onChange((entry) => this.changed(entry));
  }

  create(userId: string, driveId: string | undefined, body: Buffer): Record<string, unknown> {
    const input = jsonBody(body);
    const parsed = channelRequestSchema.safeParse(input);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') || 'resource';
      fail(400, { reason: 'invalid', message: `Invalid value for ${field}`, location: field });
    }
    const request = parsed.data;
    const address = new URL(request.address);
    // Google requires HTTPS with a valid certificate; the sandbox also takes http on loopback (the local
    // Functions host) and nothing off this machine.
    if (!LOOPBACK.has(address.hostname)) {
      fail(400, {
        reason: 'push.webhookUrlUnauthorized',
        message: `Unauthorized WebHook callback channel: ${request.address}`,
      });
    }
    if (address.protocol !== 'https:' && address.protocol !== 'http:') {
      fail(400, { reason: 'push.webhookUrlNotHttps', message: `WebHook callback must be HTTPS: ${request.address}` });
    }
    if (this.live.has(request.id)) {
      fail(400, { reason: 'channelIdNotUnique', message: `Channel id ${request.id} not unique` });
    }
    const now = this.clock.now();
    const asked = request.expiration === undefined ? now + DEFAULT_LIFETIME_MS : Number(request.expiration);
    if (asked <= now) fail(400, { reason: 'invalid', message: 'Invalid expiration', location: 'expiration' });
    const channel: Channel = {
      id: request.id,
      resourceId: randomBytes(16).toString('base64url'),
      resourceUri: `${this.baseUrl()}/drive/v3/changes?${driveId ? `driveId=${driveId}&` : ''}alt=json`,
      address: request.address,
      token: request.token,
      // A longer expiration than allowed is cut to the maximum.
      expirationMs: Math.min(asked, now + WEEK_MS),
      userId,
      driveId,
      nextMessageNumber: 1,
      stopped: false,
    };
    this.live.set(channel.id, channel);
    this.track(this.deliver(channel, 'sync'));
    return {
      kind: 'api#channel',
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token !== undefined ? { token: channel.token } : {}),
      expiration: String(channel.expirationMs),
    };
  }

  stop(userId: string, body: Buffer): void {
    const input = jsonBody(body);
    const parsed = stopRequestSchema.safeParse(input);
    if (!parsed.success) fail(400, { reason: 'required', message: 'Required: id and resourceId' });
    const channel = this.live.get(parsed.data.id);
    if (!channel || channel.resourceId !== parsed.data.resourceId || channel.userId !== userId) {
      fail(404, { reason: 'notFound', message: `Channel '${parsed.data.id}' not found for project` });
    }
    this.end(channel);
  }

  /** Ends channels whose expiration has passed (the sandbox clock moved). */
  expire(): void {
    const now = this.clock.now();
    for (const channel of this.live.values()) if (channel.expirationMs <= now) this.end(channel);
  }

  /** Resolves when every delivery under way has been answered (tests, stop()). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  stopAll(): void {
    for (const channel of this.live.values()) this.end(channel);
  }

  private changed(entry: ChangeEntry): void {
    this.expire();
    for (const channel of this.live.values()) {
      const relevant = channel.driveId ? entry.driveId === channel.driveId : entry.userId === channel.userId;
      if (!relevant || channel.pending) continue;
      // Changes close together become one message.
      channel.pending = setTimeout(() => {
        channel.pending = undefined;
        this.track(this.deliver(channel, 'change'));
      }, this.settings().coalesceMs);
      this.track(new Promise<void>((resolve) => setTimeout(resolve, this.settings().coalesceMs + 1)));
    }
  }

  private async deliver(channel: Channel, state: 'sync' | 'change'): Promise<void> {
    if (channel.stopped || channel.expirationMs <= this.clock.now()) return;
    const messageNumber = channel.nextMessageNumber++;
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': channel.id,
      'X-Goog-Channel-Expiration': new Date(channel.expirationMs).toUTCString(),
      'X-Goog-Message-Number': String(messageNumber),
      'X-Goog-Resource-ID': channel.resourceId,
      'X-Goog-Resource-State': state,
      'X-Goog-Resource-URI': channel.resourceUri,
      ...(channel.token !== undefined ? { 'X-Goog-Channel-Token': channel.token } : {}),
    };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      let status = 0;
      try {
        const response = await fetch(channel.address, { method: 'POST', headers, signal: AbortSignal.timeout(10_000) });
        status = response.status;
        await response.body?.cancel();
      } catch {
        status = 0;
      }
      this.deliveries.push({ channelId: channel.id, messageNumber, state, status, attempt });
      if (status !== 0 && !RETRIED_STATUSES.has(status)) return;
      if (channel.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, this.settings().retryBaseMs * 2 ** (attempt - 1)));
    }
  }

  private end(channel: Channel): void {
    channel.stopped = true;
    if (channel.pending) clearTimeout(channel.pending);
    this.live.delete(channel.id);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}

/** A request body as JSON, or Google's 400 parseError. */
function jsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return fail(400, { reason: 'parseError', message: 'Parse Error' });
  }
}
