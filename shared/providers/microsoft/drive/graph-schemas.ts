// zod schemas for the Graph answers this provider reads. Loose objects: Graph adds properties over
// time and we must not break on them; strict only on the fields we actually use. `nullish` where
// Graph is known to send explicit nulls (e.g. subscription.clientState on list, docs/graph-behaviour.md §3).
import { z } from 'zod';

const hashesSchema = z.looseObject({
  quickXorHash: z.string().nullish(),
  sha1Hash: z.string().nullish(),
  crc32Hash: z.string().nullish(),
});

export const driveItemSchema = z.looseObject({
  id: z.string().min(1),
  // Business/SharePoint omit `name` on delete; personal drives omit `size` (docs/graph-behaviour.md §1).
  name: z.string().nullish(),
  size: z.number().nonnegative().nullish(),
  eTag: z.string().nullish(),
  cTag: z.string().nullish(),
  lastModifiedDateTime: z.string().nullish(),
  webUrl: z.string().nullish(),
  parentReference: z
    .looseObject({ id: z.string().nullish(), driveId: z.string().nullish(), path: z.string().nullish() })
    .nullish(),
  file: z.looseObject({ mimeType: z.string().nullish(), hashes: hashesSchema.nullish() }).nullish(),
  folder: z.looseObject({ childCount: z.number().nullish() }).nullish(),
  root: z.looseObject({}).nullish(),
  deleted: z.looseObject({ state: z.string().nullish() }).nullish(),
});
export type GraphDriveItem = z.infer<typeof driveItemSchema>;

/** A delta page: `value` plus exactly one of nextLink / deltaLink (docs/graph-behaviour.md §1). */
export const deltaPageSchema = z
  .looseObject({
    value: z.array(driveItemSchema),
    '@odata.nextLink': z.url().optional(),
    '@odata.deltaLink': z.url().optional(),
  })
  .refine((page) => (page['@odata.nextLink'] === undefined) !== (page['@odata.deltaLink'] === undefined), {
    message: 'a delta page carries exactly one of @odata.nextLink and @odata.deltaLink',
  });
export type GraphDeltaPage = z.infer<typeof deltaPageSchema>;

/** A children listing (`/items/{id}/children`): `value` and an optional nextLink. */
export const childrenPageSchema = z.looseObject({
  value: z.array(driveItemSchema),
  '@odata.nextLink': z.url().optional(),
});

export const driveSchema = z.looseObject({
  id: z.string().min(1),
  driveType: z.string().min(1),
  name: z.string().nullish(),
  webUrl: z.string().nullish(),
});
export type GraphDrive = z.infer<typeof driveSchema>;

export const driveListSchema = z.looseObject({
  value: z.array(driveSchema),
  '@odata.nextLink': z.url().optional(),
});

export const subscriptionSchema = z.looseObject({
  id: z.string().min(1),
  expirationDateTime: z.string().min(1),
  resource: z.string().nullish(),
  changeType: z.string().nullish(),
});
export type GraphSubscription = z.infer<typeof subscriptionSchema>;

/** `{"error":{"code","message","innerError"}}` (docs/graph-behaviour.md §7). We only ever read `code`. */
export const graphErrorBodySchema = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string().nullish(),
  }),
});
