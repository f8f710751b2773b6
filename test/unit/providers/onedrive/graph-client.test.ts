import { describe, expect, it } from 'vitest';
// The client's own host matcher (not re-exported from its index).
import { isCustomHost } from '@microsoft/microsoft-graph-client/lib/src/GraphRequestUtil.js';
import { customHostsFor, splitGraphBaseUrl } from '../../../../shared/providers/microsoft/graph/graph-client.js';
import { graphPaths } from '../../../../shared/providers/microsoft/drive/graph-paths.js';
import { driveKindOf } from '../../../../shared/providers/microsoft/drive/drive-discovery.js';

describe('Graph client settings from GRAPH_BASE_URL', () => {
  it('splits origin and version', () => {
    expect(splitGraphBaseUrl('https://graph.microsoft.com/v1.0')).toEqual({
      baseUrl: 'https://graph.microsoft.com',
      version: 'v1.0',
    });
    expect(splitGraphBaseUrl('https://127.0.0.1:8443/v1.0/')).toEqual({
      baseUrl: 'https://127.0.0.1:8443',
      version: 'v1.0',
    });
    expect(() => splitGraphBaseUrl('https://127.0.0.1:8443')).toThrow(/version/);
  });

  it('adds the host (without port) as a custom host only when it is not Graph', () => {
    expect(customHostsFor('https://graph.microsoft.com/v1.0')).toBeUndefined();
    expect(customHostsFor('https://127.0.0.1:8443/v1.0')).toEqual(new Set(['127.0.0.1']));
  });

  it('matches as the Graph client 3.0.7 matches: it strips the port before comparing, so the port must not be in the set', () => {
    // The client's own matcher (GraphRequestUtil.isCustomHost), which decides whether the bearer token is attached.
    const sandboxHosts = customHostsFor('https://127.0.0.1:7443/v1.0')!;
    expect(isCustomHost('https://127.0.0.1:7443/v1.0/me/drive', sandboxHosts)).toBe(true);
    expect(isCustomHost('https://127.0.0.1:50123/v1.0/me/drive', sandboxHosts)).toBe(true);
    expect(isCustomHost('https://127.0.0.2:7443/v1.0/me/drive', sandboxHosts)).toBe(false);
    expect(isCustomHost('http://127.0.0.1:7443/v1.0/me/drive', sandboxHosts)).toBe(false);
    expect(isCustomHost('https://127.0.0.1:7443/v1.0/me/drive', new Set(['127.0.0.1:7443']))).toBe(false);
  });
});

describe('Graph paths', () => {
  it('escapes ids so they cannot add segments or queries, keeping site-id commas', () => {
    expect(graphPaths.drive('b!a/b?c')).toBe('/drives/b!a%2Fb%3Fc');
    expect(graphPaths.siteDefaultDrive('contoso.sharepoint.com,1-2,3-4')).toBe(
      '/sites/contoso.sharepoint.com,1-2,3-4/drive',
    );
  });

  it('addresses a folder by path segment by segment, and the root for an empty path', () => {
    expect(graphPaths.itemByPath('D', '/Team Docs/Q&A#1/')).toMatch(
      /^\/drives\/D\/root:\/Team%20Docs\/Q%26A%231:\?\$select=/,
    );
    expect(graphPaths.itemByPath('D', '/')).toMatch(/^\/drives\/D\/root\?\$select=/);
  });

  it('always deltas and subscribes on the drive root', () => {
    expect(graphPaths.rootDelta('D')).toMatch(/^\/drives\/D\/root\/delta\?\$select=.*deleted/);
    expect(graphPaths.subscriptionResource('D')).toBe('/drives/D/root');
  });
});

describe('drive kinds', () => {
  it('maps personal to personal and everything else to the stricter business rules', () => {
    expect(driveKindOf('personal')).toBe('personal');
    expect(driveKindOf('business')).toBe('business');
    expect(driveKindOf('documentLibrary')).toBe('business');
    expect(driveKindOf('somethingNew')).toBe('business');
  });
});
