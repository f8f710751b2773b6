// The composition root: builds the real adapters once per process, from config. Functions ask it for
// what they need; tests build their own with the same factories and Azurite/sandbox endpoints.
import { getConfig, type Config } from '../config/config.js';
import { registerSecret } from '../logging/redact.js';
import { createStorageClients, type StorageClients } from '../storage/storage-clients.js';

export interface Services {
  config: Config;
  storage: StorageClients;
}

let services: Services | undefined;

export function buildServices(config: Config): Services {
  registerSecret(config.clientSecret);
  registerSecret(config.localTokenKeys);
  return { config, storage: createStorageClients(config.storage) };
}

export function getServices(): Services {
  services ??= buildServices(getConfig());
  return services;
}

/** Replaces the process-wide services (local host and tests use it after changing settings). */
export function setServices(replacement: Services | undefined): void {
  services = replacement;
}
