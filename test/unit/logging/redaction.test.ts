// Invariant 8: no secret in any log line. Feeds the kinds of secrets the app handles through every
// log path (structured fields, nested objects, errors, free text, URLs, headers, JSON text, the
// console logger, child loggers) and looks for them in the output.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLogger, createLogger } from '../../../shared/adapters/logging/logger.js';
import { REDACTED, redact, redactText, registerSecret } from '../../../shared/core/logging/redact.js';

const SECRETS = {
  refreshToken: '0.AAAA-refresh-token-value-9f8e7d6c5b4a',
  accessToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJncmFwaCJ9.c2lnbmF0dXJlLXZhbHVl',
  clientSecret: 'Zx8Q~client-secret-value-0123456789',
  clientState: 'c1ientState-random-32-bytes-abcdefghijklmnop',
  authCode: 'M.R3_BAY.auth-code-value-1234567890',
  functionKey: 'func-key-value-ABCDEF0123456789abcdef',
  storageKey: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

function everyLogPath(log: ReturnType<typeof createLogger>) {
  log.info('fields', {
    refresh_token: SECRETS.refreshToken,
    access_token: SECRETS.accessToken,
    clientState: SECRETS.clientState,
  });
  log.warn('nested', {
    request: { headers: { authorization: `Bearer ${SECRETS.accessToken}`, 'x-functions-key': SECRETS.functionKey } },
  });
  log.error('error', {
    error: new Error(
      `token endpoint said no for refresh_token=${SECRETS.refreshToken}&client_secret=${SECRETS.clientSecret}`,
    ),
  });
  log.info('url', { url: `https://host/api/connect/callback?code=${SECRETS.authCode}&state=x` });
  log.info('url-object', { url: new URL(`https://host/api/kbs/kb/changes?code=${SECRETS.functionKey}`) });
  log.info('json-text', {
    body: JSON.stringify({ access_token: SECRETS.accessToken, refresh_token: SECRETS.refreshToken }),
  });
  log.info('free-text', { message: `client secret is ${SECRETS.clientSecret}` });
  log.info('connection-string', {
    cs: `DefaultEndpointsProtocol=http;AccountName=dev;AccountKey=${SECRETS.storageKey};`,
  });
  log.child({ clientSecret: SECRETS.clientSecret }).debug('child', { arr: [{ token: SECRETS.refreshToken }] });
}

describe('redaction', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps every secret out of every log path of the invocation logger', () => {
    registerSecret(SECRETS.clientSecret);
    const lines: string[] = [];
    const sink = {
      debug: (l: string) => lines.push(l),
      info: (l: string) => lines.push(l),
      warn: (l: string) => lines.push(l),
      error: (l: string) => lines.push(l),
    };
    everyLogPath(createLogger(sink));
    expect(lines).toHaveLength(9);
    const output = lines.join('\n');
    for (const [name, secret] of Object.entries(SECRETS)) expect(output, name).not.toContain(secret);
    expect(output).toContain(REDACTED);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('keeps secrets out of the console logger used outside invocations', () => {
    registerSecret(SECRETS.clientSecret);
    const written: string[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, level).mockImplementation((line: unknown) => void written.push(String(line)));
    }
    everyLogPath(consoleLogger());
    const output = written.join('\n');
    expect(written.length).toBe(9);
    for (const [name, secret] of Object.entries(SECRETS)) expect(output, name).not.toContain(secret);
  });

  it('redacts delta and paging tokens in every form Graph writes them, and keeps the rest of the link', () => {
    const deltaToken = 'aTE09NjM4NTk1MDk2MTE2NTc0NTk0O3A9MjAwO3Q9MA';
    const links = [
      `https://graph.microsoft.com/v1.0/drives/b!x/root/delta(token='${deltaToken}')`,
      `https://graph.microsoft.com/v1.0/drives/b!x/root/delta(token='${deltaToken}')?$select=id,name`,
      `https://graph.microsoft.com/v1.0/drives/b!x/root/delta(token=%27${deltaToken}%27)`,
      `https://graph.microsoft.com/v1.0/drives/b!x/root/delta(token=${deltaToken})`,
      `https://graph.microsoft.com/v1.0/drives/b!x/root/delta?token=${deltaToken}`,
      `https://graph.microsoft.com/v1.0/drives/b!x/root/delta?$skiptoken=${deltaToken}&$top=200`,
      `https://graph.microsoft.com/v1.0/drives/b!x/root/delta?$deltatoken=${deltaToken}`,
      `https://graph.microsoft.com/v1.0/drives/b!x/root/delta(token='ab''${deltaToken}')`,
      // Cut off before the closing quote (a message that quotes the start of a link).
      `…/root/delta(token='${deltaToken}`,
    ];
    for (const link of links) {
      const redacted = redactText(link);
      expect(redacted, link).not.toContain(deltaToken);
      expect(redacted, link).toContain(REDACTED);
      if (link.startsWith('https://'))
        expect(redacted).toContain('https://graph.microsoft.com/v1.0/drives/b!x/root/delta');
    }
    expect(redactText(`delta(token='${deltaToken}')?$select=id,name`)).toBe(
      `delta(token='${REDACTED}')?$select=id,name`,
    );
    expect(redactText(JSON.stringify({ token: deltaToken }))).not.toContain(deltaToken);
  });

  it("keeps a source record's cursor out of a log line even if the record is logged whole", () => {
    const deltaToken = 'MzslMjM0OyUyMzE7Mzs3ZWRjNDNmYS1hZmRjLTQ5NTM';
    const lines: string[] = [];
    const sink = (l: string) => lines.push(l);
    createLogger({ debug: sink, info: sink, warn: sink, error: sink }).info('record', {
      kbId: 'kb',
      cursor: `https://127.0.0.1:8443/v1.0/drives/b!x/root/delta(token='${deltaToken}')`,
      restart: `https://127.0.0.1:8443/v1.0/drives/b!x/root/delta?token=${deltaToken}`,
    });
    expect(lines.join('\n')).not.toContain(deltaToken);
  });

  it('leaves ordinary values alone', () => {
    expect(redact({ kbId: 'kb1', count: 3, path: '/Docs/a.txt' })).toEqual({
      kbId: 'kb1',
      count: 3,
      path: '/Docs/a.txt',
    });
    expect(redactText('synced 3 pages of kb1')).toBe('synced 3 pages of kb1');
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', self: '[circular]' });
  });
});
