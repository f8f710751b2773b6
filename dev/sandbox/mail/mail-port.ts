// The seam between the mail module and the subscriptions module: neither imports the other's state.
// The mail module fills `directory` (resolving mail subscription resources) and `control`; it
// announces every message change on `onMessageChanged`. The subscriptions module listens there and
// fills `lifecycle`, so the mail control can send lifecycle notifications for mail subscriptions.
import type { MailControl } from './mail-control.js';

/** One change of one message as a subscription sees it (outlook-change-notifications-overview). */
export interface MessageChangeEvent {
  userId: string;
  changeType: 'created' | 'updated' | 'deleted';
  /** The folder the change happened in: for a move, the old folder (deleted) or the new one (created). */
  folderId: string;
  /** The regular id the message had in that folder, and its immutable id. */
  regularId: string;
  immutableId: string;
  etag: string;
}

export interface MailDirectory {
  hasMailbox(userId: string): boolean;
  /** A folder id from an id or a well-known name (case-insensitive), or undefined. */
  resolveFolder(userId: string, idOrWellKnownName: string): string | undefined;
  /** A user by id or userPrincipalName (case-insensitive). */
  resolveUser(idOrUpn: string): string | undefined;
  /** Whether an app-only token of this app holds one of the mail application roles. */
  appHasMailRole(clientId: string): boolean;
}

export type LifecycleEventName = 'missed' | 'subscriptionRemoved' | 'reauthorizationRequired';

export interface MailLifecycleSender {
  /** Queues the lifecycle notification; throws when the subscription is unknown or cannot get it. */
  send(subscriptionId: string, event: LifecycleEventName): void;
}

export class MailPort {
  directory: MailDirectory | undefined;
  control: MailControl | undefined;
  lifecycle: MailLifecycleSender | undefined;
  private readonly listeners = new Set<(event: MessageChangeEvent) => void>();

  onMessageChanged(listener: (event: MessageChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emitMessageChanged(event: MessageChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
