// `npm start`: the whole local stack in one process tree. Reads (or creates) local.settings.json,
// starts Azurite with data in .azurite/, starts the sandbox tenant when no real tenant is configured
// (and the Google sandbox when no Google client is, and a fake Open WebUI when none is),
// creates queues and tables, loads functions/ and serves them on http://localhost:7071/api.
// Port overrides (so a test or a second copy cannot collide): LOCAL_HOST_PORT, AZURITE_BLOB_PORT,
// AZURITE_QUEUE_PORT, AZURITE_TABLE_PORT, SANDBOX_PORT, GOOGLE_SANDBOX_PORT, OPENWEBUI_FAKE_PORT; data and
// settings: AZURITE_LOCATION, SANDBOX_STATE_FILE, OPENWEBUI_FAKE_STATE_FILE, LOCAL_SETTINGS_PATH. Azurite runs in its own process group and is reused when
// one already answers on its ports; the sandbox tenant is kept in .sandbox/tenant.json across restarts.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigError } from '../shared/app/config.js';
import { redactText, registerSecret } from '../shared/core/logging/redact.js';
import {
  azuriteAnswers,
  existingAzurite,
  isPortFree,
  startAzurite,
  type AzuritePorts,
  type RunningAzurite,
} from './azurite/azurite-process.js';
import {
  addMissingLocalSetting,
  applyToEnvironment,
  DEFAULT_LOCAL_HOST_PORT,
  LOCAL_FUNCTION_KEY_SETTING,
  LOCAL_SETTINGS_PATH,
  loadOrCreateLocalSettings,
} from './host/local-settings.js';
import {
  chooseGoogleSandboxPort,
  chooseOpenWebUiFakePort,
  chooseSandboxPort,
  localCallbackUrls,
  sandboxStateFile,
} from './sandbox/local-sandbox.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What a local run lets the connect flow send the browser back to when CONNECT_RETURN_TO_ALLOWLIST is unset. */
const LOCAL_RETURN_TO_DEFAULT = 'http://localhost:*';

/**
 * The heavy part (Azure SDKs, every function module) is imported only after the port checks, so a
 * clash is reported at once, and while Azurite starts, so the two overlap.
 */
async function importApp() {
  const [config, ensure, clients, load, host] = await Promise.all([
    import('../shared/app/config.js'),
    import('../shared/adapters/storage/ensure-storage.js'),
    import('../shared/adapters/storage/storage-clients.js'),
    import('./host/load-functions.js'),
    import('./host/local-host.js'),
  ]);
  return {
    loadConfig: config.loadConfig,
    ensureStorage: ensure.ensureStorage,
    createStorageClients: clients.createStorageClients,
    loadFunctionDefinitions: load.loadFunctionDefinitions,
    startLocalHost: host.startLocalHost,
  };
}

/** A start-up failure we can explain in one line; printed without a stack trace. */
class StartError extends Error {}

function portSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new StartError(`${name} must be a port number`);
  return port;
}

async function requireFreePort(port: number, what: string, setting: string): Promise<void> {
  if (await isPortFree(port)) return;
  throw new StartError(
    `port ${port} (${what}) is already in use: stop whatever listens there (e.g. \`lsof -i :${port}\`, another \`npm start\`) or set ${setting} to another port`,
  );
}

/** Azurite's ports: all free (start one), or all answering as Azurite (reuse it); anything else is a clash. */
async function azuriteOnPorts(ports: AzuritePorts): Promise<'free' | 'running'> {
  const free = await Promise.all([isPortFree(ports.blob), isPortFree(ports.queue), isPortFree(ports.table)]);
  if (free.every(Boolean)) return 'free';
  if (await azuriteAnswers(ports)) return 'running';
  await requireFreePort(ports.blob, 'Azurite blob', 'AZURITE_BLOB_PORT');
  await requireFreePort(ports.queue, 'Azurite queue', 'AZURITE_QUEUE_PORT');
  await requireFreePort(ports.table, 'Azurite table', 'AZURITE_TABLE_PORT');
  return 'free';
}

async function main(): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    // 1. Settings.
    const settings = loadOrCreateLocalSettings(process.env.LOCAL_SETTINGS_PATH ?? LOCAL_SETTINGS_PATH);
    if (settings.created) console.log(`created ${settings.file} with a new local function key and token key`);
    // The connect flow signs its state with this key (docs/connect.md); a local one is generated once.
    const connectKey = process.env.CONNECT_STATE_SECRET
      ? { values: settings.values, added: false }
      : addMissingLocalSetting(settings.file, 'CONNECT_STATE_SECRET', () => randomBytes(32).toString('base64url'));
    if (connectKey.added) console.log(`added a connect state key (CONNECT_STATE_SECRET) to ${settings.file}`);
    applyToEnvironment(connectKey.values);
    // The operations routes (authLevel 'admin') take the host's master key; locally this one.
    const adminKey = process.env.LOCAL_ADMIN_KEY
      ? { values: connectKey.values, added: false }
      : addMissingLocalSetting(settings.file, 'LOCAL_ADMIN_KEY', () => randomBytes(24).toString('base64url'));
    if (adminKey.added) console.log(`added a local master key (LOCAL_ADMIN_KEY) to ${settings.file}`);
    applyToEnvironment(adminKey.values);
    registerSecret(process.env.LOCAL_TOKEN_KEYS);
    registerSecret(process.env.CONNECT_STATE_SECRET);

    // 2. Ports first, so a clash is reported before anything starts.
    const hostPort = portSetting('LOCAL_HOST_PORT', DEFAULT_LOCAL_HOST_PORT);
    const azuritePorts: AzuritePorts = {
      blob: portSetting('AZURITE_BLOB_PORT', 10_000),
      queue: portSetting('AZURITE_QUEUE_PORT', 10_001),
      table: portSetting('AZURITE_TABLE_PORT', 10_002),
    };
    await requireFreePort(hostPort, 'local Functions host', 'LOCAL_HOST_PORT');
    const azuriteState = await azuriteOnPorts(azuritePorts);
    const sandboxPort = process.env.MS_TENANT_ID
      ? undefined
      : await chooseSandboxPort().catch((error: Error) => {
          throw new StartError(error.message);
        });

    const googleSandboxPort = process.env.GOOGLE_CLIENT_ID
      ? undefined
      : await chooseGoogleSandboxPort().catch((error: Error) => {
          throw new StartError(error.message);
        });

    const openWebUiPort = process.env.OPENWEBUI_BASE_URL
      ? undefined
      : await chooseOpenWebUiFakePort().catch((error: Error) => {
          throw new StartError(error.message);
        });

    const app = importApp();
    app.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled

    // 3. Azurite, persisted in .azurite/ (gitignored), in its own process group: a kill -9 of this
    // process group leaves it running with its last writes, and the next start reuses it.
    const azuriteLocation = process.env.AZURITE_LOCATION ?? path.join(repoRoot, '.azurite');
    let azurite: RunningAzurite;
    if (azuriteState === 'running') {
      azurite = existingAzurite(azuritePorts);
      console.log(
        `Azurite: reusing the one already running on blob ${azuritePorts.blob}, queue ${azuritePorts.queue}, table ${azuritePorts.table} (not stopped on exit)`,
      );
    } else {
      azurite = await startAzurite({ location: azuriteLocation, ports: azuritePorts, detached: true });
      console.log(
        `Azurite: blob ${azuritePorts.blob}, queue ${azuritePorts.queue}, table ${azuritePorts.table} (data and azurite.pid in ${azuriteLocation})`,
      );
    }
    stops.push(() => azurite.stop());
    process.env.AzureWebJobsStorage = azurite.connectionString;

    // The connect flow's returnTo: any localhost port in a local run, unless an allow-list is set.
    if (!process.env.CONNECT_RETURN_TO_ALLOWLIST) {
      process.env.CONNECT_RETURN_TO_ALLOWLIST = LOCAL_RETURN_TO_DEFAULT;
      console.log(
        `connect flow: returnTo may be ${LOCAL_RETURN_TO_DEFAULT} (set CONNECT_RETURN_TO_ALLOWLIST to change)`,
      );
    }

    // 4. The sandbox tenant when no real tenant is configured, kept in .sandbox/tenant.json.
    if (sandboxPort) {
      // Imported only when needed: with a real tenant the sandbox code is never loaded.
      const { startSandbox } = await import('./sandbox/sandbox.js');
      const stateFile = sandboxStateFile();
      const sandbox = await startSandbox({
        port: sandboxPort.port,
        stateFile,
        // Where the connect flow's callback is (docs/connect.md); /authorize refuses any other.
        redirectUris: localCallbackUrls(hostPort),
      });
      stops.push(() => sandbox.stop());
      registerSecret(sandbox.clientSecret);
      Object.assign(process.env, {
        GRAPH_BASE_URL: sandbox.graphBaseUrl,
        AUTHORITY_HOST: sandbox.authorityHost,
        MS_TENANT_ID: sandbox.tenantId,
        MS_CLIENT_ID: sandbox.clientId,
        MS_CLIENT_SECRET: sandbox.clientSecret,
      });
      console.log(
        `sandbox tenant: ${sandbox.baseUrl}${sandboxPort.note} (control API: ${sandbox.baseUrl}/_sandbox/, docs/sandbox.md)`,
      );
      console.log(`sandbox state: ${stateFile} (delete it, with .azurite/, for a fresh tenant)`);
    }

    // 4b. The Google sandbox when no Google client is configured (in memory: its grants end with the run).
    if (googleSandboxPort) {
      const { startGoogleSandbox, googleSandboxAppSettings } = await import('./sandbox/google/google-sandbox.js');
      const google = await startGoogleSandbox({
        port: googleSandboxPort.port,
        redirectUris: localCallbackUrls(hostPort),
      });
      stops.push(() => google.stop());
      registerSecret(google.clientSecret);
      Object.assign(process.env, googleSandboxAppSettings(google));
      console.log(
        `Google sandbox: ${google.baseUrl}${googleSandboxPort.note} (control API: POST ${google.baseUrl}/_sandbox/google/<method>, docs/sandbox-google.md)`,
      );
    }

    // 4c. A fake Open WebUI when none is configured, so the connector can be tried (docs/open-webui.md).
    if (openWebUiPort) {
      const { startLocalOpenWebUi } = await import('./openwebui/local-openwebui.js');
      const owui = await startLocalOpenWebUi(openWebUiPort.port);
      stops.push(() => owui.stop());
      registerSecret(owui.apiKey);
      process.env.OPENWEBUI_BASE_URL = owui.baseUrl;
      // Like the function key below: a local credential meant for curl, so printed on purpose.
      process.stdout.write(
        `fake Open WebUI: ${owui.baseUrl}${openWebUiPort.note}, knowledge id ${owui.knowledgeId}, API key ${owui.apiKey} (kept in ${owui.stateFile}; files in memory; docs/open-webui.md)\n`,
      );
    }

    // 5. Config check, then every queue, poison queue and table.
    const { loadConfig, ensureStorage, createStorageClients, loadFunctionDefinitions, startLocalHost } = await app;
    const config = loadConfig();
    await ensureStorage(createStorageClients(config.storage));
    // Timer schedules name app settings (`%MAINTENANCE_SCHEDULE%`) that the host resolves from the
    // environment, not from our config defaults: put the default there when it is not set.
    process.env.MAINTENANCE_SCHEDULE ??= config.maintenance.schedule;

    // 6. Functions and the local host.
    let functionKey = process.env[LOCAL_FUNCTION_KEY_SETTING];
    if (!functionKey) {
      functionKey = randomBytes(24).toString('base64url');
      console.log(`${LOCAL_FUNCTION_KEY_SETTING} is not set in ${settings.file}: using a key for this run only`);
    }
    const definitions = await loadFunctionDefinitions();
    const host = await startLocalHost({
      definitions,
      port: hostPort,
      storageConnectionString: azurite.connectionString,
      functionKey,
      adminKey: process.env.LOCAL_ADMIN_KEY,
    });
    stops.push(() => host.stop());

    const baseUrl = `http://localhost:${hostPort}`;
    console.log(`local Functions host: ${baseUrl}/api (${definitions.length} functions)`);
    console.log(`health: ${baseUrl}/api/health`);
    // The function key is a local development credential, generated for this checkout and meant to
    // be copied into curl commands; printing it is deliberate (process.stdout, not the redacting logger).
    process.stdout.write(`function key (x-functions-key header or ?code=): ${functionKey}\n`);
    process.stdout.write(
      `master key (operations routes, npm run poison): ${process.env.LOCAL_ADMIN_KEY ?? '(unset)'}\n`,
    );
    console.log('ready; Ctrl+C stops');
    return stopAll;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function explain(error: unknown): string {
  if (error instanceof StartError) return error.message;
  if (error instanceof Error && error.name === 'SandboxStateFileError') return error.message;
  if (error instanceof Error && (error as Partial<ConfigError>).isConfigError) return error.message;
  return `start-up failed: ${redactText(error instanceof Error ? error.message : String(error))}`;
}

try {
  const stop = await main();
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl+C means "now".
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping (waiting for running invocations)`);
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  console.error(explain(error));
  process.exit(1);
}
