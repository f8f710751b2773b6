// The tenant's users, sites and drives (items with their content, change logs) as plain JSON, so
// `npm start` can keep the sandbox tenant across restarts (dev/sandbox/persistence/). Content
// travels base64-encoded; the folder/children index is kept as it was, so listings keep their order.
import { z } from 'zod';
import type { DriveItemRecord, DriveRecord } from './tenant-model.js';
import type { TenantState } from './tenant-state.js';

const itemSchema = z.object({
  id: z.string(),
  guid: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  isFolder: z.boolean(),
  contentBase64: z.string().nullable(),
  mimeType: z.string().nullable(),
  quickXorHash: z.string().nullable(),
  size: z.number(),
  version: z.number().int(),
  contentVersion: z.number().int(),
  createdAt: z.number(),
  modifiedAt: z.number(),
  changeSeq: z.number().int(),
  deleted: z.boolean(),
});

const driveSchema = z.object({
  id: z.string(),
  kind: z.enum(['personal', 'business']),
  name: z.string(),
  ownerUserId: z.string().nullable(),
  siteId: z.string().nullable(),
  rootId: z.string(),
  webUrl: z.string(),
  createdAt: z.number(),
  items: z.array(itemSchema),
  children: z.array(z.tuple([z.string(), z.array(z.string())])),
  seq: z.number().int(),
  changeLog: z.array(z.tuple([z.number().int(), z.number(), z.string()])),
  tokenGeneration: z.number().int(),
  nextItemNumber: z.number().int(),
});

export const tenantSnapshotSchema = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      userPrincipalName: z.string(),
      driveId: z.string().nullable(),
    }),
  ),
  sites: z.array(z.object({ id: z.string(), displayName: z.string(), driveIds: z.array(z.string()) })),
  drives: z.array(driveSchema),
});
export type TenantSnapshot = z.infer<typeof tenantSnapshotSchema>;

export function snapshotTenant(tenant: TenantState): TenantSnapshot {
  return {
    users: [...tenant.users.values()].map((user) => ({ ...user, driveId: user.driveId ?? null })),
    sites: [...tenant.sites.values()].map((site) => ({ ...site, driveIds: [...site.driveIds] })),
    drives: [...tenant.drives.values()].map((drive) => ({
      id: drive.id,
      kind: drive.kind,
      name: drive.name,
      ownerUserId: drive.ownerUserId ?? null,
      siteId: drive.siteId ?? null,
      rootId: drive.rootId,
      webUrl: drive.webUrl,
      createdAt: drive.createdAt,
      items: [...drive.items.values()].map((item) => ({
        ...item,
        contentBase64: item.content ? item.content.toString('base64') : null,
        content: undefined,
        mimeType: item.mimeType ?? null,
        quickXorHash: item.quickXorHash ?? null,
      })),
      children: [...drive.children].map(([folderId, ids]) => [folderId, [...ids]]),
      seq: drive.seq,
      changeLog: drive.changeLog.map((entry) => [entry.seq, entry.time, entry.itemId]),
      tokenGeneration: drive.tokenGeneration,
      nextItemNumber: drive.nextItemNumber,
    })),
  };
}

/** Replaces the tenant's content with the snapshot's (no change events: nothing changed in the drives). */
export function restoreTenant(tenant: TenantState, snapshot: TenantSnapshot): void {
  tenant.reset();
  for (const user of snapshot.users) tenant.users.set(user.id, { ...user, driveId: user.driveId ?? undefined });
  for (const site of snapshot.sites) tenant.sites.set(site.id, { ...site });
  for (const saved of snapshot.drives) {
    const items = new Map<string, DriveItemRecord>();
    for (const { contentBase64, ...item } of saved.items) {
      items.set(item.id, {
        ...item,
        content: contentBase64 === null ? undefined : Buffer.from(contentBase64, 'base64'),
        mimeType: item.mimeType ?? undefined,
        quickXorHash: item.quickXorHash ?? undefined,
      });
    }
    const drive: DriveRecord = {
      ...saved,
      ownerUserId: saved.ownerUserId ?? undefined,
      siteId: saved.siteId ?? undefined,
      items,
      children: new Map(saved.children.map(([folderId, ids]) => [folderId, new Set(ids)])),
      changeLog: saved.changeLog.map(([seq, time, itemId]) => ({ seq, time, itemId })),
    };
    tenant.drives.set(drive.id, drive);
  }
}
