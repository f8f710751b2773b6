// Under the real Functions host, HTTP bodies are streamed only when app.setup({ enableHttpStream: true })
// ran before the first function was registered; otherwise every download is buffered whole in memory.
import { readdirSync } from 'node:fs';
import { app } from '@azure/functions';
import { expect, test, vi } from 'vitest';

// Listed here rather than through dev/host/load-functions.ts: that module imports the definitions
// module, which would run app.setup before the spies below are in place.
const functionsDir = new URL('../../functions/', import.meta.url);
const functionFiles = readdirSync(functionsDir).filter((file) => file.endsWith('.ts'));

test('HTTP streaming is enabled once, before the first registration', async () => {
  const calls: string[] = [];
  vi.spyOn(app, 'setup').mockImplementation((options) => {
    calls.push(`setup ${JSON.stringify(options)}`);
  });
  for (const method of ['http', 'storageQueue', 'timer'] as const) {
    vi.spyOn(app, method).mockImplementation((name: string) => {
      calls.push(`${method} ${name}`);
    });
  }
  for (const file of functionFiles) await import(new URL(file, functionsDir).href);

  expect(calls.length).toBeGreaterThan(1);
  expect(calls[0]).toBe('setup {"enableHttpStream":true}');
  expect(calls.filter((call) => call.startsWith('setup'))).toHaveLength(1);
});
