import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/app/config.js';

describe('config', () => {
  it('works with no settings at all (local defaults)', () => {
    const config = loadConfig({});
    expect(config.storage).toEqual({ kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' });
    expect(config.providers.microsoft.graphBaseUrl).toBe('https://graph.microsoft.com/v1.0');
    expect(config.providers.microsoft.authorityHost).toBe('https://login.microsoftonline.com');
    expect(config.publicBaseUrl).toBeUndefined();
  });

  it('reports every problem at once, by setting name, without echoing values', () => {
    const secret = 'super-secret-value-123';
    try {
      loadConfig({
        GRAPH_BASE_URL: 'not a url',
        PUBLIC_BASE_URL: 'http://example.com',
        MS_CLIENT_SECRET: secret,
        NOTIFICATION_DEBOUNCE_MS: 'soon',
      });
      expect.unreachable('loadConfig accepted invalid settings');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of ['GRAPH_BASE_URL', 'NOTIFICATION_DEBOUNCE_MS', 'MS_CLIENT_ID', 'PUBLIC_BASE_URL'])
        expect(message).toContain(name);
      expect(message).not.toContain(secret);
      expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('reads identity-based storage settings as Azure sets them', () => {
    const config = loadConfig({
      AzureWebJobsStorage__queueServiceUri: 'https://acct.queue.core.windows.net',
      AzureWebJobsStorage__tableServiceUri: 'https://acct.table.core.windows.net',
      AzureWebJobsStorage__clientId: 'client-id',
    });
    expect(config.storage).toEqual({
      kind: 'identity',
      queueServiceUri: 'https://acct.queue.core.windows.net',
      tableServiceUri: 'https://acct.table.core.windows.net',
      clientId: 'client-id',
    });
  });

  it('accepts a loopback http PUBLIC_BASE_URL for local runs only', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'http://127.0.0.1:7071/' }).publicBaseUrl).toBe('http://127.0.0.1:7071');
  });
});
