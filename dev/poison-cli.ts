// `npm run poison -- list [queue] | replay <queue> <messageId> | discard <queue> <messageId>`: the
// operations routes (docs/operations.md, "Poison queues") from a terminal. It talks to KB_SYNC_URL
// (default the local host, http://localhost:7071) with KB_SYNC_MASTER_KEY, or locally the
// LOCAL_ADMIN_KEY that `npm start` keeps in local.settings.json. Against Azure, pass the app's URL and
// its master key (`az functionapp keys list`). Prints the answer's JSON; exit code 1 on a refusal.
import { existsSync } from 'node:fs';
import { DEFAULT_LOCAL_HOST_PORT, LOCAL_SETTINGS_PATH, loadOrCreateLocalSettings } from './host/local-settings.js';

const USAGE = 'usage: npm run poison -- list [queue] | replay <queue> <messageId> | discard <queue> <messageId>';

function masterKey(): string | undefined {
  if (process.env.KB_SYNC_MASTER_KEY) return process.env.KB_SYNC_MASTER_KEY;
  const file = process.env.LOCAL_SETTINGS_PATH ?? LOCAL_SETTINGS_PATH;
  return existsSync(file) ? loadOrCreateLocalSettings(file).values.LOCAL_ADMIN_KEY : undefined;
}

function request(args: string[]): { method: string; path: string } | undefined {
  const [command, queue, messageId] = args;
  const at = (...parts: string[]) => parts.map(encodeURIComponent).join('/');
  if (command === 'list' && args.length <= 2) {
    return { method: 'GET', path: queue ? `ops/poison/${at(queue)}` : 'ops/poison' };
  }
  if (command === 'replay' && queue && messageId && args.length === 3) {
    return { method: 'POST', path: `ops/poison/${at(queue)}/messages/${at(messageId)}/replay` };
  }
  if (command === 'discard' && queue && messageId && args.length === 3) {
    return { method: 'DELETE', path: `ops/poison/${at(queue)}/messages/${at(messageId)}` };
  }
  return undefined;
}

const call = request(process.argv.slice(2));
const key = masterKey();
if (!call) {
  console.error(USAGE);
  process.exit(2);
}
if (!key) {
  console.error('no master key: set KB_SYNC_MASTER_KEY (or run npm start once, which keeps LOCAL_ADMIN_KEY)');
  process.exit(2);
}
const base = (
  process.env.KB_SYNC_URL ?? `http://localhost:${process.env.LOCAL_HOST_PORT ?? DEFAULT_LOCAL_HOST_PORT}`
).replace(/\/+$/, '');
const response = await fetch(`${base}/api/${call.path}`, { method: call.method, headers: { 'x-functions-key': key } });
const text = await response.text();
console.log(response.status === 204 ? JSON.stringify({ status: 204, discarded: true }) : text);
process.exit(response.ok ? 0 : 1);
