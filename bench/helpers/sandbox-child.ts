// Runs the sandbox in its own process for benchmarks, so the measured process's memory and CPU
// are the app's alone. Reports its URLs and credentials to the parent over IPC.
import { startSandbox } from '../../dev/sandbox/sandbox.js';

const sandbox = await startSandbox({ port: 0 });
process.send?.({
  baseUrl: sandbox.baseUrl,
  graphBaseUrl: sandbox.graphBaseUrl,
  authorityHost: sandbox.authorityHost,
  tenantId: sandbox.tenantId,
  clientId: sandbox.clientId,
  clientSecret: sandbox.clientSecret,
  defaultUserId: sandbox.defaultUserId,
});
process.on('disconnect', () => {
  void sandbox.stop().then(() => process.exit(0));
});
