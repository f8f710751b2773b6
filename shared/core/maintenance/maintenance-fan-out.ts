// The maintenance timer's only job: walk every source and queue one small maintenance-work message
// per source (issue 6 §6). The per-source work, which may call the provider, runs in many queue workers
// in parallel, so one run covers 10,000 sources well inside the timer's limit; messages are spread over
// `spreadSeconds` of visibility delay so the provider calls of one run do not arrive in one burst
// (providers limit requests per app and per customer: docs/graph-behaviour.md §5 for one).
import type { SourceRecord } from '../domain/source.js';
import type { MaintenanceWorkMessage } from './maintenance-messages.js';

export interface FanOutDeps {
  listSources(): AsyncIterable<SourceRecord>;
  send(message: MaintenanceWorkMessage, delaySeconds: number): Promise<void>;
  /** Enqueues in flight at once (Azurite and Storage both like ~16 concurrent senders). */
  concurrency?: number;
  spreadSeconds?: number;
  now?: () => Date;
}

export async function fanOutMaintenance(deps: FanOutDeps): Promise<{ queued: number }> {
  const concurrency = deps.concurrency ?? 16;
  const spreadSeconds = deps.spreadSeconds ?? 60;
  const runAt = (deps.now ?? (() => new Date()))().toISOString();
  const inFlight = new Set<Promise<void>>();
  let queued = 0;
  for await (const source of deps.listSources()) {
    const delaySeconds = spreadSeconds > 0 ? queued % spreadSeconds : 0;
    const sending = deps
      .send({ kbId: source.kbId, sourceId: source.sourceId, runAt }, delaySeconds)
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    queued += 1;
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { queued };
}
