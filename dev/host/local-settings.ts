// local.settings.json, the file `func start` reads: its `Values` become app settings (environment
// variables). A fresh clone has none, so the first `npm start` creates it from
// local.settings.example.json with a random function key and token-encryption key.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LOCAL_SETTINGS_PATH = path.join(repoRoot, 'local.settings.json');
export const LOCAL_SETTINGS_EXAMPLE_PATH = path.join(repoRoot, 'local.settings.example.json');

/** Port of the local host unless LOCAL_HOST_PORT says otherwise; 7071 as `func start`. */
export const DEFAULT_LOCAL_HOST_PORT = 7071;

/** Setting that holds the function key the local host requires for authLevel 'function'. */
export const LOCAL_FUNCTION_KEY_SETTING = 'LOCAL_FUNCTION_KEY';
const LOCAL_TOKEN_KEYS_SETTING = 'LOCAL_TOKEN_KEYS';

const localSettingsSchema = z.looseObject({
  IsEncrypted: z.boolean().optional(),
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
});

export type LocalSettings = z.infer<typeof localSettingsSchema>;

export interface LoadedLocalSettings {
  values: Record<string, string>;
  /** True when this call created the file from the example. */
  created: boolean;
  file: string;
}

function parse(file: string): LocalSettings {
  const parsed = localSettingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  if (!parsed.success) {
    throw new Error(`${path.basename(file)} is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (parsed.data.IsEncrypted)
    throw new Error(`${path.basename(file)} is encrypted; the local host reads plain values`);
  return parsed.data;
}

/** Reads the settings file, creating it (with fresh random keys) when it does not exist. */
export function loadOrCreateLocalSettings(
  file = LOCAL_SETTINGS_PATH,
  example = LOCAL_SETTINGS_EXAMPLE_PATH,
): LoadedLocalSettings {
  if (existsSync(file)) return { values: parse(file).Values, created: false, file };
  const settings = parse(example);
  settings.Values[LOCAL_FUNCTION_KEY_SETTING] = randomBytes(24).toString('base64url');
  settings.Values[LOCAL_TOKEN_KEYS_SETTING] = `k1:${randomBytes(32).toString('base64')}`;
  // 0600: the file holds keys; it is gitignored and listed in .funcignore.
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { values: settings.Values, created: true, file };
}

/**
 * Adds a generated value for `name` to an existing settings file when it has none (a key a newer
 * version needs, e.g. CONNECT_STATE_SECRET, in a checkout whose file predates it). Other content is
 * kept as it is. Returns the values now in the file, and whether it changed.
 */
export function addMissingLocalSetting(
  file: string,
  name: string,
  generate: () => string,
): { values: Record<string, string>; added: boolean } {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  const values = parse(file).Values;
  if ((values[name] ?? '') !== '') return { values, added: false };
  const value = generate();
  raw.Values = { ...raw.Values, [name]: value };
  writeFileSync(file, `${JSON.stringify(raw, null, 2)}\n`);
  // It now holds a key: private, whatever it was before (mode on write applies to new files only).
  chmodSync(file, 0o600);
  return { values: { ...values, [name]: value }, added: true };
}

/**
 * Copies settings into the environment without overriding variables that are already set. Empty
 * values are placeholders in the example file and stay unset (so defaults such as GRAPH_BASE_URL apply).
 */
export function applyToEnvironment(values: Record<string, string>, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(values)) {
    if (env[name] === undefined && value !== '') env[name] = value;
  }
}
