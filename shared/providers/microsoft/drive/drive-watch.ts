// The watch capability of drive sources: Graph subscriptions (webhooks/graph-subscription-watch.ts) on
// the drive root, under the drive watch policy. Always the root: Business and SharePoint allow nothing
// else, and personal drives allow a folder too, but one rule for every drive type keeps renewal and
// recreation uniform; the engine filters by scope itself, and a notification is only a hint to run
// delta anyway (docs/graph-behaviour.md §3).
import type { GraphTransport } from '../graph/graph-transport.js';
import { GraphSubscriptionWatch } from '../webhooks/graph-subscription-watch.js';
import { driveWatchPolicy } from '../webhooks/graph-watch-policy.js';
import { driveOf } from './drive-location.js';
import { graphPaths } from './graph-paths.js';

export class DriveWatch extends GraphSubscriptionWatch {
  constructor(transport: GraphTransport, configuredTenantId: string | undefined) {
    super(transport, configuredTenantId, {
      policy: driveWatchPolicy,
      target: (source) => ({
        resource: graphPaths.subscriptionResource(driveOf(source).driveId),
        changeType: 'updated', // the only change type driveItem supports
        what: 'drive',
      }),
    });
  }
}
