// Fault injection for the next N requests matching a route (issue 3 §8): throttling (429), the
// 503/504 answers OneDrive gives under load, a reset connection, or a delay before normal handling.
import { z } from 'zod';

export const faultSpecSchema = z.object({
  method: z.string().optional(),
  /** A regular expression matched against the request path (without the query string). */
  pathPattern: z.string().min(1),
  kind: z.enum(['429', '503', '504', 'reset', 'delay']),
  count: z.number().int().min(1),
  retryAfterSeconds: z.number().min(0).optional(),
  delayMs: z.number().int().min(0).max(60_000).optional(),
});
export type FaultSpec = z.infer<typeof faultSpecSchema>;

interface ActiveFault {
  spec: FaultSpec;
  pattern: RegExp;
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    this.faults.push({ spec, pattern: new RegExp(spec.pathPattern), remaining: spec.count });
  }

  /** The fault to apply to this request, if any; each match uses up one of its count. */
  take(method: string, path: string): FaultSpec | undefined {
    const fault = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (!candidate.spec.method || candidate.spec.method.toUpperCase() === method) &&
        candidate.pattern.test(path),
    );
    if (!fault) return undefined;
    fault.remaining--;
    this.faults = this.faults.filter((candidate) => candidate.remaining > 0);
    return fault.spec;
  }

  clear(): void {
    this.faults = [];
  }
}
