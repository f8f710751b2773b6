// Graph resource paths, relative to GRAPH_BASE_URL. Ids are escaped so that an id can never add a
// path segment or a query; commas stay as they are because SharePoint site ids are
// `hostname,siteCollectionId,webId` and Graph's own examples send them unescaped.
import { DRIVE_ITEM_SELECT } from './drive-item-mapping.js';

export function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',');
}

export const graphPaths = {
  drive: (driveId: string) => `/drives/${encodeSegment(driveId)}`,
  siteDefaultDrive: (siteId: string) => `/sites/${encodeSegment(siteId)}/drive`,
  siteDrives: (siteId: string) => `/sites/${encodeSegment(siteId)}/drives?$select=id,driveType,name,webUrl`,
  userDrive: (userId: string) => `/users/${encodeSegment(userId)}/drive`,
  myDrive: () => '/me/drive',
  /** Root delta only: Business/SharePoint serve delta on the root alone (docs/graph-behaviour.md §1). */
  rootDelta: (driveId: string) => `/drives/${encodeSegment(driveId)}/root/delta?$select=${DRIVE_ITEM_SELECT}`,
  item: (driveId: string, itemId: string) =>
    `/drives/${encodeSegment(driveId)}/items/${encodeSegment(itemId)}?$select=${DRIVE_ITEM_SELECT}`,
  /** `root:/a/b:` addressing; an empty path is the root itself. */
  itemByPath: (driveId: string, path: string) => {
    const segments = path.split('/').filter((segment) => segment !== '');
    const drive = `/drives/${encodeSegment(driveId)}`;
    const target =
      segments.length === 0 ? `${drive}/root` : `${drive}/root:/${segments.map(encodeURIComponent).join('/')}:`;
    return `${target}?$select=${DRIVE_ITEM_SELECT}`;
  },
  children: (driveId: string, itemId: string) =>
    `/drives/${encodeSegment(driveId)}/items/${encodeSegment(itemId)}/children?$select=${DRIVE_ITEM_SELECT}`,
  content: (driveId: string, itemId: string) =>
    `/drives/${encodeSegment(driveId)}/items/${encodeSegment(itemId)}/content`,
  subscriptions: () => '/subscriptions',
  subscription: (subscriptionId: string) => `/subscriptions/${encodeSegment(subscriptionId)}`,
  reauthorize: (subscriptionId: string) => `/subscriptions/${encodeSegment(subscriptionId)}/reauthorize`,
  /** The subscribed resource (no base URL, docs/graph-behaviour.md §3): always the drive root. */
  subscriptionResource: (driveId: string) => `/drives/${encodeSegment(driveId)}/root`,
};
