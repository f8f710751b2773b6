// The connect flow asks the OAuth client of the source's type for the authorize URL: with one client
// per type, a SharePoint source is sent to the SharePoint client's sign-in, a OneDrive source to its
// own. Real source and connect-state stores on Azurite; the clients are test doubles of the port.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectStateStore } from '../../../shared/adapters/azure-tables/connect-state-store.js';
import { SourceStore } from '../../../shared/adapters/azure-tables/source-store.js';
import { ConnectStateSigner } from '../../../shared/core/connect/signed-state.js';
import { startConnect } from '../../../shared/core/connect/start-connect.js';
import type { AuthorizeRequest, OAuthClient, OAuthClientRegistry } from '../../../shared/core/ports/oauth-client.js';
import { sourceRecord } from '../../support/source-record.js';
import { freshTable } from '../../support/storage.js';

const RETURN_TO = 'https://host-app.example/settings';

function clientSigningInAt(origin: string, asked: AuthorizeRequest[]): OAuthClient {
  const unused = () => {
    throw new Error('not used by /connect/start');
  };
  return {
    name: origin,
    authorizeUrl: (request) => {
      asked.push(request);
      return `${origin}/authorize?state=${encodeURIComponent(request.state)}`;
    },
    exchangeCode: unused,
    refresh: unused,
    newDelegatedGrant: unused,
    grantFields: z.object({}),
    refreshTokensRotate: true,
    inactivity: undefined,
  };
}

describe('startConnect with one OAuth client per source type', () => {
  it('redirects each source to the sign-in of its own type, with the flow state, PKCE challenge and callback', async () => {
    const sources = new SourceStore(await freshTable('sources'));
    const states = new ConnectStateStore(await freshTable('connect'));
    const asked: Record<'onedrive' | 'sharepoint', AuthorizeRequest[]> = { onedrive: [], sharepoint: [] };
    const clients: Record<'onedrive' | 'sharepoint', OAuthClient> = {
      onedrive: clientSigningInAt('https://onedrive-idp.example', asked.onedrive),
      sharepoint: clientSigningInAt('https://sharepoint-idp.example', asked.sharepoint),
    };
    const oauth: OAuthClientRegistry = {
      get: (type) => clients[type as keyof typeof clients],
      named: () => undefined,
    };
    const deps = {
      settings: {
        signer: new ConnectStateSigner('a-connect-state-secret-of-at-least-32-characters'),
        allowedOrigins: ['https://host-app.example'],
        stateTtlMs: 600_000,
        publicBaseUrl: 'https://kb-sync.example',
      },
      sources,
      states,
      oauth,
    };
    await sources.put(sourceRecord({ kbId: 'kb', sourceId: 'site', type: 'sharepoint', state: 'pending_auth' }));

    const result = await startConnect(
      deps,
      { kbId: 'kb', sourceId: 'site', returnTo: RETURN_TO },
      'https://kb-sync.example/api/connect/start',
    );
    expect(result.kind).toBe('redirect');
    expect(result.kind === 'redirect' && new URL(result.location).origin).toBe('https://sharepoint-idp.example');
    expect(asked.onedrive).toHaveLength(0);
    expect(asked.sharepoint).toHaveLength(1);
    const [request] = asked.sharepoint;
    expect(request?.redirectUri).toBe('https://kb-sync.example/api/connect/callback');
    expect(deps.settings.signer.verify(request?.state ?? '')).toMatchObject({ kbId: 'kb', sourceId: 'site' });
    expect(request?.codeChallenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
