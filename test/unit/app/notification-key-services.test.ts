// Which key ring rich Teams notifications get from config: the local one without KEY_VAULT_URL, the
// Key Vault certificate NOTIFICATION_CERTIFICATE_NAME with it, none when switched off or when Azure
// names no certificate (subscriptions then stay plain).
import { describe, expect, it } from 'vitest';
import { LocalNotificationKeyRing } from '../../../shared/adapters/azure-tables/local-notification-key-ring.js';
import type { StorageClients } from '../../../shared/adapters/storage/storage-clients.js';
import { loadConfig } from '../../../shared/app/config.js';
import { buildRichNotificationServices } from '../../../shared/app/notification-key-services.js';

const storage = { table: () => ({}) } as unknown as StorageClients;
const VAULT = 'https://kv-test.vault.azure.net/';

describe('buildRichNotificationServices', () => {
  it('is on by default, with the local ring when there is no Key Vault', () => {
    const services = buildRichNotificationServices(loadConfig({}), storage);
    expect(services?.keys).toBeInstanceOf(LocalNotificationKeyRing);
    expect(typeof services?.tokens.verify).toBe('function');
  });

  it('is off with TEAMS_RICH_NOTIFICATIONS=false', () => {
    expect(buildRichNotificationServices(loadConfig({ TEAMS_RICH_NOTIFICATIONS: 'false' }), storage)).toBeUndefined();
  });

  it('is off in Azure without NOTIFICATION_CERTIFICATE_NAME, and on with it (built lazily, no sign-in yet)', () => {
    expect(buildRichNotificationServices(loadConfig({ KEY_VAULT_URL: VAULT }), storage)).toBeUndefined();
    const services = buildRichNotificationServices(
      loadConfig({ KEY_VAULT_URL: VAULT, NOTIFICATION_CERTIFICATE_NAME: 'graph-notifications' }),
      storage,
    );
    expect(services).toBeDefined();
    expect(services?.keys).not.toBeInstanceOf(LocalNotificationKeyRing);
  });

  it('refuses a TEAMS_RICH_NOTIFICATIONS that is not true or false', () => {
    expect(() => loadConfig({ TEAMS_RICH_NOTIFICATIONS: 'yes' })).toThrow();
  });
});
