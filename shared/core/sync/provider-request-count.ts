// Counts the requests a provider makes to its API during one sync run, for the sync history
// (ports/sync-run-log.ts): the run executes inside `countingProviderRequests`, and a provider's
// transport calls `countProviderRequest` per request. Outside a counted run the call does nothing.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<{ requests: number }>();

export function countProviderRequest(): void {
  const counter = current.getStore();
  if (counter) counter.requests++;
}

export async function countingProviderRequests<T>(run: () => Promise<T>): Promise<{ result: T; requests: number }> {
  const counter = { requests: 0 };
  try {
    const result = await current.run(counter, run);
    return { result, requests: counter.requests };
  } catch (error) {
    throw Object.assign(new RunFailed(error), { requests: counter.requests });
  }
}

/** A counted run that threw: the error and the requests made before it. */
export class RunFailed extends Error {
  requests = 0;
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}
