// Pre-authenticated download URLs (docs/graph-behaviour.md §1, §2): signed, expiring on the sandbox
// clock, served by the sandbox itself under /_download/, and usable without an Authorization header.
import { z } from 'zod';
import type { SandboxClock } from '../state/sandbox-clock.js';
import type { SandboxSettings } from '../state/sandbox-settings.js';
import type { SignedTokenCodec } from '../state/signed-token.js';
import type { DriveItemRecord, DriveRecord } from '../state/tenant-model.js';

const downloadClaimSchema = z.object({ k: z.literal('dl'), d: z.string(), i: z.string(), x: z.number() });
export type DownloadClaim = z.infer<typeof downloadClaimSchema>;

export class DownloadUrls {
  constructor(
    private readonly codec: SignedTokenCodec,
    private readonly clock: SandboxClock,
    private readonly settings: () => SandboxSettings,
    private readonly baseUrl: () => string,
  ) {}

  urlFor(drive: DriveRecord, item: DriveItemRecord): string {
    const claim: DownloadClaim = {
      k: 'dl',
      d: drive.id,
      i: item.id,
      x: this.clock.now() + this.settings().downloadUrlLifetimeMs,
    };
    return `${this.baseUrl()}/_download/${this.codec.encode(claim)}`;
  }

  /** The claim, 'expired', or undefined when forged. */
  verify(token: string): DownloadClaim | 'expired' | undefined {
    const parsed = downloadClaimSchema.safeParse(this.codec.decode(token));
    if (!parsed.success) return undefined;
    return parsed.data.x <= this.clock.now() ? 'expired' : parsed.data;
  }
}
