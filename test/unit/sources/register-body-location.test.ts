// The registration body names a source's location in its provider's shape (`location`), and drive
// sources keep accepting the `drive` and `scope` fields they were registered with before.
import { describe, expect, it } from 'vitest';
import { registerSourceBodySchema } from '../../../shared/app/provider-registry.js';

describe('the location in a registration body', () => {
  it('maps drive and scope to the drive provider location, the same as `location`', () => {
    const legacy = registerSourceBodySchema.parse({ type: 'onedrive', drive: { me: true }, scope: { path: '/Docs' } });
    const given = registerSourceBodySchema.parse({
      type: 'onedrive',
      location: { drive: { me: true }, scope: { path: '/Docs' } },
    });
    expect(legacy.location).toEqual({ drive: { me: true }, scope: { path: '/Docs' } });
    expect(given).toEqual(legacy);
    expect(legacy).not.toHaveProperty('drive');
    expect(legacy).not.toHaveProperty('scope');
    expect(
      registerSourceBodySchema.parse({ type: 'sharepoint', drive: { siteId: 'contoso.sharepoint.com' } }).location,
    ).toEqual({
      drive: { siteId: 'contoso.sharepoint.com' },
      scope: null,
    });
  });

  it('reports a bad location under the field it was given in', () => {
    const legacy = registerSourceBodySchema.safeParse({ type: 'onedrive', drive: { driveId: '../x' } });
    expect(legacy.success).toBe(false);
    expect(legacy.error?.issues.every((issue) => issue.path[0] === 'drive')).toBe(true);
    const given = registerSourceBodySchema.safeParse({ type: 'onedrive', location: { drive: { driveId: '../x' } } });
    expect(given.success).toBe(false);
    expect(given.error?.issues.every((issue) => issue.path[0] === 'location' && issue.path[1] === 'drive')).toBe(true);
    expect(registerSourceBodySchema.safeParse({ type: 'onedrive' }).success).toBe(false);
  });

  it('refuses both spellings at once, and types it does not know', () => {
    const both = registerSourceBodySchema.safeParse({
      type: 'onedrive',
      drive: { me: true },
      location: { drive: { me: true } },
    });
    expect(both.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['location']);
    expect(registerSourceBodySchema.safeParse({ type: 'memchat', location: {} }).success).toBe(false);
  });
});
