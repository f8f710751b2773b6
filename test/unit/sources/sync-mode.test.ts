// A source is registered in webhook mode only when the app has a public URL and its provider can watch.
import { describe, expect, it } from 'vitest';
import { syncMode } from '../../../shared/core/sources/register-source.js';
import type { WatchSource } from '../../../shared/core/ports/watch-source.js';

const watching = { watch: {} as WatchSource };
const pollOnly = { watch: undefined };

describe('syncMode', () => {
  it('is webhook with a public URL and a provider that watches', () => {
    expect(syncMode('https://kb.example', watching)).toBe('webhook');
  });

  it('is polling without a public URL, or for a provider that cannot watch', () => {
    expect(syncMode(undefined, watching)).toBe('polling');
    expect(syncMode('', watching)).toBe('polling');
    expect(syncMode('https://kb.example', pollOnly)).toBe('polling');
  });
});
