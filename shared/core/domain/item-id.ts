// What the host may send as an item (or attachment) id: any provider's ids, as events carry them
// (Graph drive items, Outlook's URL-safe base64 with `=` padding, Google file ids), and nothing that
// could add a path segment or a query when a provider puts it in a URL.
import { z } from 'zod';

export const itemIdSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9!_=.-]+$/, 'an item id has letters, digits, "!", "_", "=", "." and "-" only');
