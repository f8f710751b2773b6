// `npm run sandbox`: starts the sandbox tenant standalone (port from SANDBOX_PORT, default 7443)
// and prints what the app needs to point at it. The printed secret is a sandbox-only value.
import { startSandbox } from './sandbox.js';

const port = Number(process.env.SANDBOX_PORT ?? 7443);
const sandbox = await startSandbox({ port });
const lines = [
  `KB Sync sandbox tenant listening on ${sandbox.baseUrl}`,
  `  GRAPH_BASE_URL=${sandbox.graphBaseUrl}`,
  `  AUTHORITY_HOST=${sandbox.authorityHost}`,
  `  tenant id:          ${sandbox.tenantId}`,
  `  client id:          ${sandbox.clientId}`,
  `  client secret:      ${sandbox.clientSecret}   (sandbox-only)`,
  `  public client id:   ${sandbox.publicClientId}`,
  `  default user id:    ${sandbox.defaultUserId}`,
  `  default drive id:   ${sandbox.defaultDriveId}`,
  `  token endpoint:     ${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/token`,
  `  control API:        ${sandbox.baseUrl}/_sandbox/  (see docs/sandbox.md)`,
];
process.stdout.write(`${lines.join('\n')}\n`);

const shutdown = () => {
  void sandbox.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
