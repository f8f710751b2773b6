// npm start gives an existing local.settings.json the connect state key it lacks, once.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMissingLocalSetting } from '../../../dev/host/local-settings.js';

function settingsFile(values: Record<string, string>): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'kb-sync-connect-')), 'local.settings.json');
  writeFileSync(file, JSON.stringify({ IsEncrypted: false, Values: values, Host: { CORS: '*' } }));
  return file;
}

describe('addMissingLocalSetting', () => {
  it('adds a generated value once, keeps everything else, and leaves the file private', () => {
    const file = settingsFile({ LOCAL_FUNCTION_KEY: 'fk', CONNECT_STATE_SECRET: '' });
    let generated = 0;
    const generate = () => `generated-${++generated}`;
    const first = addMissingLocalSetting(file, 'CONNECT_STATE_SECRET', generate);
    expect(first).toEqual({ values: { LOCAL_FUNCTION_KEY: 'fk', CONNECT_STATE_SECRET: 'generated-1' }, added: true });
    const second = addMissingLocalSetting(file, 'CONNECT_STATE_SECRET', generate);
    expect(second.added).toBe(false);
    expect(second.values.CONNECT_STATE_SECRET).toBe('generated-1');
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(written).toEqual({
      IsEncrypted: false,
      Values: { LOCAL_FUNCTION_KEY: 'fk', CONNECT_STATE_SECRET: 'generated-1' },
      Host: { CORS: '*' },
    });
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('keeps a value that is already set', () => {
    const file = settingsFile({ CONNECT_STATE_SECRET: 'mine' });
    expect(addMissingLocalSetting(file, 'CONNECT_STATE_SECRET', () => 'other')).toEqual({
      values: { CONNECT_STATE_SECRET: 'mine' },
      added: false,
    });
  });
});
