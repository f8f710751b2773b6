// What the host may name as a Graph drive, user, site, item or folder path at registration. Each
// value becomes part of a Graph URL, and a URL resolves `.` and `..` segments: `{userId: ".."}`
// would turn /users/../drive into /drive. So ids are held to the alphabet Graph actually uses, and
// paths may not contain dot segments (graph-paths.ts also encodes every segment).
// Id shapes: https://learn.microsoft.com/graph/api/resources/driveitem and …/resources/site
import { z } from 'zod';

/**
 * Drive and item ids: `b!` + base64url for Business and SharePoint drives, hex for personal drives,
 * base32 (`01…`) for Business items, `HEX!123` for personal items, GUIDs for list item ids.
 */
export const graphIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9!_-]+$/, 'a Graph id has letters, digits, "!", "_" and "-" only');

const GUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';
const HOSTNAME = '[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*';
/** Characters Microsoft Entra allows in the local part of a user principal name. */
const UPN = `[A-Za-z0-9'._!#^~-]+@${HOSTNAME}`;

/** A user's object id (GUID) or user principal name (`a.b@contoso.com`, guests `a_b.com#EXT#@…`). */
export const graphUserIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(new RegExp(`^(?:${GUID}|${UPN})$`), 'a user id is an object id (GUID) or a user principal name');

/** `root`, a hostname, or Graph's composite `hostname,siteCollectionId,webId`. */
export const graphSiteIdSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(
    new RegExp(`^(?:root|${HOSTNAME}(?:,${GUID}){0,2})$`),
    'a site id is "root", a hostname, or "hostname,siteCollectionId,webId"',
  );

/** A folder path below the drive root (`/Docs/2024`); `.` and `..` segments would leave it. */
export const drivePathSchema = z
  .string()
  .min(1)
  .max(2048)
  .refine((path) => path.split('/').every((segment) => segment !== '.' && segment !== '..'), {
    message: 'a path may not contain "." or ".." segments',
  });
