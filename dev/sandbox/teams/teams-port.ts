// The seam between the Teams module and the subscriptions module (as mail-port.ts is for mail):
// the Teams module fills `directory` and `control` and announces every message change; the
// subscriptions module listens and fills `lifecycle`.
import type { AccessTokenRecord } from '../identity/identity-state.js';
import type { TeamsControl } from './teams-control.js';

/** One change of one chatMessage, with the resource as Graph would return it then. */
export interface TeamsMessageChangeEvent {
  changeType: 'created' | 'updated' | 'deleted';
  place: { kind: 'channel'; teamId: string; channelId: string } | { kind: 'chat'; chatId: string };
  messageId: string;
  replyToId: string | null;
  /** The chatMessage JSON (chatmessage resource) after the change. */
  resource: Record<string, unknown>;
}

export type TeamsSubscribedPlace =
  | { kind: 'channel'; teamId: string; channelId: string }
  | { kind: 'chat'; chatId: string }
  | { kind: 'allChannels' }
  | { kind: 'allChats' };

export interface TeamsDirectory {
  /** The subscribed place of a chatMessage resource, or a sentence saying why not. */
  resolveResource(resource: string): TeamsSubscribedPlace | { error: string; status: 400 | 404 };
  /** Whether the caller may read messages there (delegated scopes or the app's roles). */
  mayRead(place: TeamsSubscribedPlace, token: AccessTokenRecord): boolean;
}

export type TeamsLifecycleEventName = 'missed' | 'subscriptionRemoved' | 'reauthorizationRequired';

export interface TeamsLifecycleSender {
  send(subscriptionId: string, event: TeamsLifecycleEventName): void;
}

export class TeamsPort {
  directory: TeamsDirectory | undefined;
  control: TeamsControl | undefined;
  lifecycle: TeamsLifecycleSender | undefined;
  private readonly listeners = new Set<(event: TeamsMessageChangeEvent) => void>();

  onMessageChanged(listener: (event: TeamsMessageChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emitMessageChanged(event: TeamsMessageChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
