// Bodies of the subscriptions control API (/_sandbox/subscriptions…), shared by routes and client.
import { z } from 'zod';

export const lifecycleRequestSchema = z
  .object({
    lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
    /**
     * Graph never sends subscriptionRemoved or missed for driveItem (docs/graph-behaviour.md §4: Outlook
     * and Teams only). The sandbox sends them to drive subscriptions only when the caller says it
     * knows, so tests can still exercise the app's handling of them; message subscriptions get them.
     */
    evenForDriveItem: z.boolean().optional(),
    /** The observed [O] payload variant with organizationId instead of tenantId. */
    organizationIdVariant: z.boolean().optional(),
  })
  .strict();
export type LifecycleRequest = z.infer<typeof lifecycleRequestSchema>;

/** A subscription as the control API shows it: no clientState (a secret). */
export const subscriptionSummarySchema = z.object({
  id: z.string(),
  resource: z.string(),
  driveId: z.string(),
  folderId: z.string(),
  applicationId: z.string(),
  creatorId: z.string(),
  notificationUrl: z.string(),
  lifecycleNotificationUrl: z.string().nullable(),
  expirationDateTime: z.string(),
  lastReauthorizationNoticeAt: z.number().nullable(),
  /** Message subscriptions: the mailbox, and the folder or null for the whole mailbox. */
  mail: z.object({ userId: z.string(), folderId: z.string().nullable() }).optional(),
});
export type SubscriptionSummary = z.infer<typeof subscriptionSummarySchema>;
