// `npm run sandbox`: starts the sandbox tenant standalone (SANDBOX_PORT, else 7443 unless busy),
// kept in .sandbox/tenant.json across restarts (SANDBOX_STATE_FILE), and prints what the app needs
// to point at it. The printed secret is a sandbox-only value.
import { DEFAULT_LOCAL_HOST_PORT } from '../host/local-settings.js';
import { chooseSandboxPort, localCallbackUrls, sandboxStateFile } from './local-sandbox.js';
import { startSandbox } from './sandbox.js';

let sandbox;
let note;
try {
  const chosen = await chooseSandboxPort();
  note = chosen.note;
  sandbox = await startSandbox({
    port: chosen.port,
    stateFile: sandboxStateFile(),
    redirectUris: localCallbackUrls(Number(process.env.LOCAL_HOST_PORT || DEFAULT_LOCAL_HOST_PORT)),
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const info = await sandbox.control.tenant();
const lines = [
  `KB Sync sandbox tenant listening on ${sandbox.baseUrl}${note}`,
  `  GRAPH_BASE_URL=${sandbox.graphBaseUrl}`,
  `  AUTHORITY_HOST=${sandbox.authorityHost}`,
  `  tenant id:          ${sandbox.tenantId}`,
  `  client id:          ${sandbox.clientId}`,
  `  client secret:      ${sandbox.clientSecret}   (sandbox-only)`,
  `  public client id:   ${sandbox.publicClientId}`,
  `  default user id:    ${sandbox.defaultUserId}`,
  `  default drive id:   ${sandbox.defaultDriveId} (root item ${info.defaultDriveRootId})`,
  `  token endpoint:     ${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/token`,
  `  redirect URIs:      ${(await sandbox.control.apps()).find((app) => app.clientId === sandbox.clientId)?.redirectUris.join(' ')}`,
  `  control API:        ${sandbox.baseUrl}/_sandbox/  (see docs/sandbox.md)`,
  `  state file:         ${sandboxStateFile()}  (delete it for a fresh tenant)`,
];
process.stdout.write(`${lines.join('\n')}\n`);

const shutdown = () => {
  void sandbox.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
