// The local host's settings inputs: host.json queue settings (TimeSpans, Azure defaults), timer
// schedules (%SETTING%, six fields, UTC), and local.settings.json creation. Plain file I/O in a temp
// folder; it sits with the other local-host tests it supports.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  parseHostJson,
  parseHostJsonQueues,
  parseTimeSpan,
  readHostJson,
  readHostJsonQueues,
} from '../../dev/host/host-json.js';
import {
  applyToEnvironment,
  LOCAL_SETTINGS_EXAMPLE_PATH,
  loadOrCreateLocalSettings,
} from '../../dev/host/local-settings.js';
import { nextOccurrence, resolveSchedule } from '../../dev/host/timer-scheduler.js';
import { compileRouteTemplate } from '../../dev/host/route-template.js';
import { decodeQueueMessage } from '../../dev/host/queue-message.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'kb-sync-settings-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('host.json', () => {
  test('TimeSpans parse to milliseconds', () => {
    expect(parseTimeSpan('00:00:02')).toBe(2_000);
    expect(parseTimeSpan('00:01:00')).toBe(60_000);
    expect(parseTimeSpan('1.02:00:00')).toBe(26 * 3_600_000);
    expect(parseTimeSpan('00:00:00.5')).toBe(500);
    expect(() => parseTimeSpan('2s')).toThrow(/TimeSpan/);
  });

  test("the repository's host.json is read as written", () => {
    expect(readHostJsonQueues()).toEqual({
      maxPollingIntervalMs: 2_000,
      visibilityTimeoutMs: 5_000,
      batchSize: 16,
      newBatchThreshold: 8,
      maxDequeueCount: 5,
      messageEncoding: 'base64',
    });
  });

  test('the HTTP route prefix comes from extensions.http.routePrefix, "api" by default', () => {
    expect(readHostJson().routePrefix).toBe('api');
    expect(parseHostJson({ version: '2.0' }).routePrefix).toBe('api');
    expect(parseHostJson({ version: '2.0', extensions: { http: { routePrefix: '' } } }).routePrefix).toBe('');
  });

  test("missing queue settings take Azure's defaults", () => {
    expect(parseHostJsonQueues({ version: '2.0', extensions: { queues: { batchSize: 8 } } })).toEqual({
      maxPollingIntervalMs: 60_000,
      visibilityTimeoutMs: 0,
      batchSize: 8,
      newBatchThreshold: 4,
      maxDequeueCount: 5,
      messageEncoding: 'base64',
    });
  });

  test('invalid values are refused by name', () => {
    expect(() => parseHostJsonQueues({ version: '2.0', extensions: { queues: { batchSize: 64 } } })).toThrow(
      /batchSize/,
    );
    expect(() =>
      parseHostJsonQueues({ version: '2.0', extensions: { queues: { visibilityTimeout: 'soon' } } }),
    ).toThrow(/visibilityTimeout/);
  });
});

describe('timer schedules', () => {
  test('%SETTING% resolves from app settings; an unset one fails', () => {
    expect(resolveSchedule('%MAINTENANCE_SCHEDULE%', { MAINTENANCE_SCHEDULE: '0 */5 * * * *' })).toBe('0 */5 * * * *');
    expect(() => resolveSchedule('%MISSING%', {})).toThrow(/MISSING/);
  });

  test('six-field NCRONTAB in UTC: the first field is seconds', () => {
    const after = new Date('2026-11-23T10:00:07.000Z');
    expect(nextOccurrence('0 */5 * * * *', after).toISOString()).toBe('2026-11-23T10:05:00.000Z');
    expect(nextOccurrence('*/10 * * * * *', after).toISOString()).toBe('2026-11-23T10:00:10.000Z');
    expect(nextOccurrence('0 30 9 * * 1-5', after).toISOString()).toBe('2026-11-24T09:30:00.000Z');
  });

  test('a five-field (Unix cron) schedule is refused, as the Functions host refuses it', () => {
    expect(() => nextOccurrence('*/5 * * * *', new Date())).toThrow(/six fields/);
  });
});

describe('route templates and queue messages', () => {
  test('templates match parameters, optional and catch-all segments', () => {
    const route = compileRouteTemplate('kbs/{kbId}/sources/{sourceId?}');
    expect(route.match(['kbs', 'k1', 'sources', 's1'])).toEqual({ kbId: 'k1', sourceId: 's1' });
    expect(route.match(['KBS', 'k1', 'Sources'])).toEqual({ kbId: 'k1' });
    expect(route.match(['kbs', 'k1'])).toBeUndefined();
    expect(route.match(['kbs', 'k1', 'sources', 's1', 'x'])).toBeUndefined();
    expect(compileRouteTemplate('files/{*path}').match(['files', 'a', 'b.txt'])).toEqual({ path: 'a/b.txt' });
  });

  test('base64 JSON decodes to the value, other text to the string, invalid base64 is undecodable', () => {
    const encode = (text: string) => Buffer.from(text).toString('base64');
    expect(decodeQueueMessage(encode('{"a":1}'), 'base64')).toEqual({ kind: 'decoded', value: { a: 1 } });
    expect(decodeQueueMessage(encode('hello'), 'base64')).toEqual({ kind: 'decoded', value: 'hello' });
    expect(decodeQueueMessage('not base64!', 'base64')).toEqual({ kind: 'undecodable' });
    expect(decodeQueueMessage('{"a":1}', 'none')).toEqual({ kind: 'decoded', value: { a: 1 } });
  });
});

describe('local.settings.json', () => {
  test('a missing file is created from the example with fresh keys, readable only by its owner', () => {
    const file = path.join(workDir, 'created.json');
    const first = loadOrCreateLocalSettings(file, LOCAL_SETTINGS_EXAMPLE_PATH);
    expect(first.created).toBe(true);
    expect(first.values.LOCAL_FUNCTION_KEY?.length).toBeGreaterThanOrEqual(32);
    expect(first.values.LOCAL_TOKEN_KEYS).toMatch(/^k1:[A-Za-z0-9+/]{43}=$/);
    expect(statSync(file).mode & 0o077).toBe(0);
    const again = loadOrCreateLocalSettings(file, LOCAL_SETTINGS_EXAMPLE_PATH);
    expect(again).toMatchObject({ created: false, values: first.values });
    const other = loadOrCreateLocalSettings(path.join(workDir, 'other.json'), LOCAL_SETTINGS_EXAMPLE_PATH);
    expect(other.values.LOCAL_FUNCTION_KEY).not.toBe(first.values.LOCAL_FUNCTION_KEY);
  });

  test('values never override the environment, and empty placeholders stay unset', () => {
    const env: NodeJS.ProcessEnv = { MS_TENANT_ID: 'from-env' };
    applyToEnvironment({ MS_TENANT_ID: 'from-file', GRAPH_BASE_URL: '', NUMBER: '3' }, env);
    expect(env).toEqual({ MS_TENANT_ID: 'from-env', NUMBER: '3' });
  });

  test('an encrypted or malformed file is refused', () => {
    const encrypted = path.join(workDir, 'encrypted.json');
    writeFileSync(encrypted, JSON.stringify({ IsEncrypted: true, Values: {} }));
    expect(() => loadOrCreateLocalSettings(encrypted)).toThrow(/encrypted/);
    const malformed = path.join(workDir, 'malformed.json');
    writeFileSync(malformed, JSON.stringify({ Values: { A: { nested: true } } }));
    expect(() => loadOrCreateLocalSettings(malformed)).toThrow(/invalid/);
    expect(readFileSync(malformed, 'utf8')).toContain('nested');
  });
});
