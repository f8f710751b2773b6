// The Google sandbox in a child process (so the bench's RSS is the engine's alone); sends its URLs
// and client over IPC, serves its control API over HTTPS (/_sandbox/google/<method>).
import { startGoogleSandbox } from '../../dev/sandbox/google/google-sandbox.js';

const sandbox = await startGoogleSandbox();
process.send?.({
  baseUrl: sandbox.baseUrl,
  driveRootUrl: sandbox.driveRootUrl,
  oauth: sandbox.oauth,
  clientId: sandbox.clientId,
  clientSecret: sandbox.clientSecret,
});
process.on('disconnect', () => void sandbox.stop().then(() => process.exit(0)));
