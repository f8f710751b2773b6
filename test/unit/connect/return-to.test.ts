import { describe, expect, it } from 'vitest';
import { checkReturnTo, returnToWith } from '../../../shared/core/connect/return-to.js';

const allowed = ['https://app.example.com', 'http://localhost:3000'];

describe('returnTo allow-list', () => {
  it('accepts URLs on an allowed origin, paths and queries included', () => {
    for (const url of [
      'https://app.example.com/',
      'https://app.example.com/settings/sources?tab=drives',
      'https://APP.example.com:443/x',
      'http://localhost:3000/cb',
    ]) {
      const check = checkReturnTo(url, allowed);
      expect(check.ok, url).toBe(true);
    }
  });

  it('rejects other origins, look-alikes and tricks that browsers resolve elsewhere', () => {
    for (const url of [
      'https://evil.example.net/',
      'https://app.example.com.evil.net/',
      'https://evil.net/https://app.example.com',
      'http://app.example.com/', // scheme is part of the origin
      'https://app.example.com:8443/',
      'https://sub.app.example.com/',
      'https://app.example.com@evil.net/',
      'https://user:pw@app.example.com/',
      'https://evil.net\\@app.example.com/',
      '//app.example.com/',
      '/relative/path',
      'javascript:alert(1)',
      'data:text/html,hi',
      'http://localhost:3001/',
    ]) {
      expect(checkReturnTo(url, allowed).ok, url).toBe(false);
    }
  });

  it('allows nothing when the allow-list is empty, and says which setting to set', () => {
    const check = checkReturnTo('https://app.example.com/', []);
    expect(check).toEqual({ ok: false, reason: expect.stringContaining('CONNECT_RETURN_TO_ALLOWLIST') as string });
  });

  it('adds the outcome to returnTo, keeping its own query and replacing same-named parameters', () => {
    const url = new URL('https://app.example.com/cb?tab=1&status=old#frag');
    expect(returnToWith(url, { status: 'connected', kbId: 'kb 1' })).toBe(
      'https://app.example.com/cb?tab=1&status=connected&kbId=kb+1#frag',
    );
  });
});
